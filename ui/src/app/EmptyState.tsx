import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

interface EmptyStateProps {
  icon: IconName;
  title: string;
  /** What will appear here once there is data. */
  children: ReactNode;
  /** What the user can do right now. */
  nextSteps?: ReactNode;
  /** Marks a section whose feature this engine version does not provide yet. */
  notAvailableYet?: boolean;
}

export function EmptyState({ icon, title, children, nextSteps, notAvailableYet = false }: EmptyStateProps) {
  return (
    <div className="empty-state">
      <div className="empty-state-icon">
        <Icon name={icon} />
      </div>
      <div className="empty-state-heading">
        <h2 className="empty-state-title">{title}</h2>
        {notAvailableYet && <span className="badge">Not available yet in this version</span>}
      </div>
      <div className="empty-state-body">{children}</div>
      {nextSteps !== undefined && <div className="empty-state-next">{nextSteps}</div>}
    </div>
  );
}
