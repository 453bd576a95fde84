import type { UseQueryResult } from '@tanstack/react-query';
import { providerNames, useAiOverview, type AiOverview } from '../ai/api';
import { useWorkspace } from '../orgs/Workspace';
import { useEngineConfig, type EngineConfig } from './engineConfig';

/**
 * What AI the pages use: in an organization, its provider and default model (its own choice, a
 * provider key of its own, or the instance's); without one, the instance's configuration.
 */
function describeAi(ai: EngineConfig['ai'], organizationAi: UseQueryResult<AiOverview> | null): string {
  if (organizationAi) {
    if (organizationAi.isPending) return 'AI: …';
    if (organizationAi.isError) return 'AI: status unavailable';
    const { enabled, provider, defaultModel } = organizationAi.data;
    if (!enabled || provider === null) return 'AI: off — Settings › AI says how to enable it';
    return `AI: ${providerNames[provider] ?? provider}${defaultModel ? `, ${defaultModel}` : ''}`;
  }
  if (!ai.enabled || ai.provider === null) return 'AI: off — set AI_PROVIDER to enable';
  return `AI: ${ai.provider}`;
}

/** A one-line status bar: which engine the dashboard talks to and how it is configured. */
export function StatusFooter() {
  const config = useEngineConfig();
  const organizationId = useWorkspace().organization?.id ?? '';
  const organizationAi = useAiOverview(organizationId);

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
          <span className="status-item" data-testid="status-ai">
            {describeAi(config.data.ai, organizationId === '' ? null : organizationAi)}
          </span>
        </>
      )}
    </footer>
  );
}
