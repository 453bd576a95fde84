import { EmptyState } from '../app/EmptyState';
import { useEngineConfig } from '../app/engineConfig';
import { PageShell } from '../app/PageShell';

const dataProviderNames = {
  embedded: 'Embedded PostgreSQL (managed by the engine)',
  postgresql: 'External PostgreSQL',
  convex: 'Convex',
} as const;

const authProviderNames = {
  local: 'Local accounts',
  clerk: 'Clerk',
} as const;

/** Live facts from `GET /api/config`: the one part of this page that works today. */
function EngineSummary() {
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

export function SettingsPage() {
  return (
    <PageShell
      name="settings"
      title="Settings"
      description="Keys, people and the engine this dashboard is connected to."
    >
      <div className="panel">
        <h2 className="panel-title">This engine</h2>
        <EngineSummary />
        <p className="muted settings-hint">
          The engine is configured through environment variables or a <code>.env</code> file; every variable is
          documented in <code>.env.example</code> and the README. Restart the engine after a change and this summary
          updates. Its routes are listed in the <a href="/api/openapi.json">API description</a>.
        </p>
      </div>
      <EmptyState icon="settings" title="Project and organization settings" notAvailableYet>
        <p>
          Projects, members and their roles, project API keys, LLM provider keys (encrypted at rest) and the audit
          log will be managed here.
        </p>
      </EmptyState>
    </PageShell>
  );
}
