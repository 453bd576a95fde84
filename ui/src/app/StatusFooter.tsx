import { useEngineConfig, type EngineConfig } from './engineConfig';

function describeAi(ai: EngineConfig['ai']): string {
  if (!ai.enabled || ai.provider === null) return 'AI: off — set AI_PROVIDER to enable';
  return `AI: ${ai.provider}`;
}

/** A one-line status bar: which engine the dashboard talks to and how it is configured. */
export function StatusFooter() {
  const config = useEngineConfig();

  return (
    <footer className="status-footer" data-testid="status-footer">
      {config.isPending ? (
        <span className="status-item" role="status">
          <span className="status-dot status-dot--pending" aria-hidden="true" />
          Connecting…
        </span>
      ) : config.isError ? (
        <span className="status-item" role="alert">
          <span className="status-dot status-dot--error" aria-hidden="true" />
          Engine unreachable
          <button
            type="button"
            className="button button--small"
            onClick={() => void config.refetch()}
            disabled={config.isFetching}
          >
            {config.isFetching ? 'Retrying…' : 'Retry'}
          </button>
        </span>
      ) : (
        <>
          <span className="status-item">
            <span className="status-dot status-dot--ok" aria-hidden="true" />
            Engine v{config.data.version}
          </span>
          <span className="status-item">Data: {config.data.dataProvider}</span>
          <span className="status-item">Auth: {config.data.authProvider}</span>
          <span className="status-item">{describeAi(config.data.ai)}</span>
        </>
      )}
    </footer>
  );
}
