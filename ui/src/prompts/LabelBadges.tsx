import { PRODUCTION } from './api';

/** `production v3` style badges; `withVersion` off when the row already names the version. */
export function LabelBadges({ labels, withVersion = true }: { labels: Array<[label: string, version: number]>; withVersion?: boolean }) {
  if (labels.length === 0) return null;
  return (
    <span className="label-badges">
      {labels.map(([label, version]) => (
        <span key={label} className={label === PRODUCTION ? 'badge badge--ok' : label === 'latest' ? 'badge' : 'badge badge--accent'} data-testid={`label-${label}`}>
          {label}
          {withVersion && <span className="label-version"> v{version}</span>}
        </span>
      ))}
    </span>
  );
}
