import { Link } from 'react-router';
import { useEngineConfig } from '../app/engineConfig';
import { Panel } from '../app/Panel';

const dataProviderNames = {
  embedded: 'Embedded PostgreSQL (managed by the engine)',
  postgresql: 'External PostgreSQL',
  convex: 'Convex',
} as const;

const authProviderNames = {
  local: 'Local accounts',
  clerk: 'Clerk',
} as const;

/** Live facts from `GET /api/config`. */
function EngineFacts() {
  const config = useEngineConfig();
  if (config.isPending) return <p className="muted">Loading engine settings…</p>;
  if (config.isError) return <p className="note note--error">Engine settings are unavailable: {config.error.message}</p>;

  const { version, dataProvider, authProvider, ai } = config.data;
  return (
    <dl className="settings-list">
      <dt>Engine version</dt>
      <dd>{version}</dd>
      <dt>Data</dt>
      <dd>{dataProviderNames[dataProvider]}</dd>
      <dt>Auth mode</dt>
      <dd>{authProviderNames[authProvider]}</dd>
      <dt>AI provider</dt>
      <dd>{ai.enabled && ai.provider !== null ? ai.provider : 'None configured (AI_PROVIDER)'}</dd>
    </dl>
  );
}

export function EngineSummary() {
  return (
    <Panel title="This engine" testId="engine-summary">
      <EngineFacts />
      <p className="muted settings-hint">
        The engine is configured through environment variables or a <code>.env</code> file; every variable is documented in{' '}
        <code>.env.example</code> and the README. Restart the engine after a change and this summary updates. Its routes are
        listed in the <Link to="/reference">API reference</Link>.
      </p>
    </Panel>
  );
}
