import { formatDateTime, formatRelative } from '../app/format';
import { Panel } from '../app/Panel';
import { PermissionButton } from '../orgs/PermissionButton';
import type { VersionTestSummary } from '../prompt-tests/api';
import { VersionTestStats } from '../prompt-tests/VersionTestStats';
import { labelsOf, PRODUCTION, type LabelEvent, type PromptSummary, type PromptVersion } from './api';
import { LabelBadges } from './LabelBadges';

interface VersionTimelineProps {
  prompt: PromptSummary;
  versions: PromptVersion[];
  onDeploy: (version: PromptVersion) => void;
  /** Points another label (staging, …) at the version. */
  onSetLabel: (version: PromptVersion) => void;
  /** Copies an older version forward as a new version (nothing is overwritten). */
  onRestore: (version: PromptVersion) => void;
  restoring: number | null;
  /** Each version's tests and newest suite pass rate, by version number (while loading: none shown). */
  testStats?: Map<number, VersionTestSummary>;
}

/** Every version, newest first, with the labels on it and the way to deploy it or roll back to it. */
export function VersionTimeline({ prompt, versions, onDeploy, onSetLabel, onRestore, restoring, testStats }: VersionTimelineProps) {
  const newest = versions[0]?.version;
  const deployed = prompt.labels[PRODUCTION];
  const action = (version: PromptVersion, live: boolean) => {
    if (live) return <span className="timeline-live">Live</span>;
    const older = deployed !== undefined && version.version < deployed;
    return (
      <PermissionButton
        permission="prompt.write"
        className={older ? 'button button--ghost button--small' : 'button button--small'}
        onClick={() => onDeploy(version)}
        title={older ? `Point production back at v${version.version}` : `Point production at v${version.version}`}
        data-testid={older ? 'rollback' : 'deploy'}
      >
        {older ? 'Roll back' : 'Deploy to production'}
      </PermissionButton>
    );
  };
  return (
    <Panel title="Versions" description="Newest first. Each save is a version; labels say which one a client gets." testId="version-timeline">
      {versions.length === 0 ? (
        <p className="muted">No versions yet.</p>
      ) : (
        <ol className="timeline">
          {versions.map((version) => {
            const labels = labelsOf(prompt, version.version);
            const live = version.version === deployed;
            return (
              <li key={version.id} className={live ? 'timeline-item timeline-item--live' : 'timeline-item'} data-testid="version-row" data-version={version.version}>
                <span className="timeline-dot" aria-hidden="true" />
                <div className="timeline-body">
                  <div className="timeline-heading">
                    <strong className="timeline-version">v{version.version}</strong>
                    <LabelBadges labels={labels.map((label) => [label, version.version])} withVersion={false} />
                    <PermissionButton
                      permission="prompt.write"
                      className="label-add"
                      onClick={() => onSetLabel(version)}
                      aria-label={`Set label on v${version.version}…`}
                      title={`Point staging or another label at v${version.version}`}
                      data-testid="set-label"
                    >
                      + label
                    </PermissionButton>
                    <span className="timeline-actions">
                      {version.version !== newest && (
                        <PermissionButton
                          permission="prompt.write"
                          className="button button--ghost button--small"
                          onClick={() => onRestore(version)}
                          disabled={restoring !== null}
                          title={`Save a copy of v${version.version} as the newest version`}
                          data-testid="restore-version"
                        >
                          {restoring === version.version ? 'Restoring…' : 'Restore as new'}
                        </PermissionButton>
                      )}
                      {action(version, live)}
                    </span>
                  </div>
                  <p className={version.commitMessage ? 'timeline-message' : 'timeline-message muted'}>{version.commitMessage ?? 'No commit message'}</p>
                  <p className="timeline-meta" title={formatDateTime(version.createdAt)}>
                    {formatRelative(version.createdAt)}
                    {version.variables.length > 0 && <> · {version.variables.length === 1 ? '1 variable' : `${version.variables.length} variables`}</>}
                  </p>
                  <VersionTestStats summary={testStats?.get(version.version)} />
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </Panel>
  );
}

/** Who moved which label when: deploys and rollbacks (not `latest`, which follows every save). */
export function DeployHistory({ history }: { history: LabelEvent[] }) {
  const moves = history.filter((event) => event.label !== 'latest').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <Panel title="Deploy history" testId="deploy-history">
      {moves.length === 0 ? (
        <p className="muted">Nothing deployed yet. Deploy a version to make it what production serves.</p>
      ) : (
        <ul className="history">
          {moves.map((event, index) => (
            <li key={index} className="history-item" data-testid="history-row">
              <span className={event.label === PRODUCTION ? 'badge badge--ok' : 'badge badge--accent'}>{event.label}</span>
              <span className="history-move">
                {event.fromVersion === null ? 'set to' : <>v{event.fromVersion} →</>} <strong>v{event.toVersion}</strong>
                {event.fromVersion !== null && event.toVersion < event.fromVersion && <span className="history-kind"> rollback</span>}
              </span>
              <span className="history-when muted" title={formatDateTime(event.createdAt)}>
                {formatRelative(event.createdAt)}
                {event.actorApiKeyId !== null && ' · via API key'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
