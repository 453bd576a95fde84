import type { ReactNode } from 'react';

interface PanelProps {
  title: string;
  description?: ReactNode;
  /** Buttons at the right of the title (e.g. "New project"). */
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
  tone?: 'danger';
}

/** A titled card: one topic of a settings page. */
export function Panel({ title, description, actions, children, testId, tone }: PanelProps) {
  return (
    <section className={tone === 'danger' ? 'panel panel--danger' : 'panel'} data-testid={testId}>
      <header className="panel-header">
        <div>
          <h2 className="panel-title">{title}</h2>
          {description !== undefined && <p className="panel-description">{description}</p>}
        </div>
        {actions !== undefined && <div className="panel-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
