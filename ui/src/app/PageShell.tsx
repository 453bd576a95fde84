import type { ReactNode } from 'react';

interface PageShellProps {
  /** Used for the test id (`page-<name>`) and the heading's id. */
  name: string;
  title: string;
  description: string;
  children: ReactNode;
}

/** The frame every page shares: document title, heading, one-line description. */
export function PageShell({ name, title, description, children }: PageShellProps) {
  const headingId = `page-${name}-heading`;
  return (
    <section className="page" data-testid={`page-${name}`} aria-labelledby={headingId}>
      <title>{`${title} · ForPrompt`}</title>
      <header className="page-header">
        <h1 id={headingId}>{title}</h1>
        <p className="page-description">{description}</p>
      </header>
      {children}
    </section>
  );
}
