import { EmptyState } from '../app/EmptyState';
import { useEngineConfig } from '../app/engineConfig';
import { PageShell } from '../app/PageShell';

/** What is true today: whether this engine has an AI provider configured (from /api/config). */
function AiProviderNote() {
  const config = useEngineConfig();
  if (!config.isSuccess) return null;
  const { enabled, provider } = config.data.ai;
  if (enabled && provider !== null) {
    return (
      <p className="muted">
        AI provider: <strong>{provider}</strong> is configured on this engine, so AI reports will be able to use it.
      </p>
    );
  }
  return (
    <p className="muted">
      AI provider: none configured on this engine. AI reports will need one: <code>AI_PROVIDER</code> and its key,
      documented in <code>.env.example</code>.
    </p>
  );
}

export function AnalyticsPage() {
  return (
    <PageShell
      name="analytics"
      title="Analytics"
      description="How your prompts perform over time: volume, cost, speed and quality."
    >
      <EmptyState
        icon="analytics"
        title="Prompt analytics"
        notAvailableYet
        nextSteps={
          <>
            <p className="muted">
              Analytics are computed from traces, which this engine version does not receive yet.
            </p>
            <AiProviderNote />
          </>
        }
      >
        <p>
          Per-version performance will appear here: latency, token usage, cost and error rate for each prompt
          version over time. When an AI provider is configured, AI-written reports will also score conversations,
          find recurring issues and compare versions.
        </p>
      </EmptyState>
    </PageShell>
  );
}
