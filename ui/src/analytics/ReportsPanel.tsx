import { useEngineConfig } from '../app/engineConfig';
import { Panel } from '../app/Panel';

const reportKinds = [
  { title: 'Conversation reports', what: 'a success score (1–10), the outcome (success, partial, failed), critical points and issues for each conversation' },
  { title: 'Batch reports', what: 'the average score, common patterns, frequent issues and recommendations over every 10 conversations of a version' },
  { title: 'Version success reports', what: "a version's success rate, strengths, weaknesses and suggestions, to compare it with the others" },
] as const;

/** The AI-written reports: stored and shown here once an AI provider generates them. */
export function ReportsPanel() {
  const config = useEngineConfig();
  const provider = config.isSuccess && config.data.ai.enabled ? config.data.ai.provider : null;
  return (
    <Panel title="AI reports" description="Written by an AI model from your traces." testId="analytics-reports">
      <ul className="report-kinds">
        {reportKinds.map((kind) => (
          <li key={kind.title}>
            <strong>{kind.title}</strong>: {kind.what}.
          </li>
        ))}
      </ul>
      {provider ? (
        <p className="muted">
          AI provider <strong>{provider}</strong> is configured; generating reports comes with this engine's AI features, in a later version.
        </p>
      ) : (
        <p className="note" data-testid="reports-need-ai">
          To enable reports, configure an AI provider: set <code>AI_PROVIDER</code> and its API key on the engine (see <code>.env.example</code>), or add a
          provider key under Settings → Provider keys. Report generation ships with the engine's AI features.
        </p>
      )}
    </Panel>
  );
}
