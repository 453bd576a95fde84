import { Link } from 'react-router';
import { EmptyState } from '../app/EmptyState';
import { PageShell } from '../app/PageShell';

export function TracesPage() {
  return (
    <PageShell
      name="traces"
      title="Traces"
      description="What your LLM features actually did in production, conversation by conversation."
    >
      <EmptyState
        icon="traces"
        title="Tracing"
        notAvailableYet
        nextSteps={
          <p className="muted">
            This engine version does not receive traces yet, so there is nothing to send here. The routes it does
            serve are listed in its <Link to="/reference">API reference</Link>.
          </p>
        }
      >
        <p>
          Traces and spans sent by your applications through <code>@forprompt/sdk</code> or OpenTelemetry will
          appear here: each conversation as a span tree of its messages, LLM calls and tool calls, with token counts
          and latency, linked to the prompt version that produced it.
        </p>
      </EmptyState>
    </PageShell>
  );
}
