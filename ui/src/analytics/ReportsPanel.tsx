import { Link } from 'react-router';
import { useEngineConfig } from '../app/engineConfig';
import { formatDateTime } from '../app/format';
import { Panel } from '../app/Panel';
import { usePromptReports, type StoredReports } from './api';

const reportKinds = [
  { title: 'Conversation reports', what: 'a success score (1–10), the outcome (success, partial, failed), critical points and issues for each conversation' },
  { title: 'Batch reports', what: 'the average score, common patterns, frequent issues and recommendations over every 10 conversations of a version' },
  { title: 'Version success reports', what: "a version's success rate, strengths, weaknesses and suggestions, to compare it with the others" },
] as const;

/** The AI-written reports of the chosen prompt, once an AI provider has written some; until then, what they are and what enables them. */
export function ReportsPanel({ organizationId, projectId, promptKey }: { organizationId: string; projectId: string; promptKey: string | null }) {
  const config = useEngineConfig();
  const reports = usePromptReports(organizationId, projectId, promptKey);
  const provider = config.isSuccess && config.data.ai.enabled ? config.data.ai.provider : null;
  const stored = reports.data && reports.data.conversations.length + reports.data.batches.length + reports.data.versions.length > 0 ? reports.data : null;
  return (
    <Panel title={promptKey ? `AI reports on ${promptKey}` : 'AI reports'} description="Written by an AI model from your traces." testId="analytics-reports">
      {stored ? (
        <StoredReportLists reports={stored} />
      ) : (
        <>
          <ul className="report-kinds">
            {reportKinds.map((kind) => (
              <li key={kind.title}>
                <strong>{kind.title}</strong>: {kind.what}.
              </li>
            ))}
          </ul>
          {provider ? (
            <p className="muted" data-testid="reports-none-yet">
              AI provider <strong>{provider}</strong> is configured; {promptKey ? 'no report has been written about this prompt yet' : 'reports are written per prompt'}.
            </p>
          ) : (
            <p className="note" data-testid="reports-need-ai">
              To enable reports, configure an AI provider: set <code>AI_PROVIDER</code> and its API key on the engine (see <code>.env.example</code>), or add a
              provider key under Settings → Provider keys. Report generation ships with the engine's AI features.
            </p>
          )}
        </>
      )}
    </Panel>
  );
}

const list = (items: string[]) => (items.length > 0 ? items.join('; ') : '—');

function StoredReportLists({ reports }: { reports: StoredReports }) {
  return (
    <div className="stored-reports" data-testid="stored-reports">
      {reports.versions.length > 0 && (
        <section>
          <h4>Versions</h4>
          <ul className="report-list">
            {reports.versions.map((report) => (
              <li key={`${report.promptVersion}-${report.createdAt}`} data-testid="version-report">
                <strong>
                  v{report.promptVersion}: {report.successRate.toFixed(0)}% successful
                </strong>{' '}
                <span className="muted">
                  (average score {report.averageScore.toFixed(1)} over {report.conversationCount} conversations · {formatDateTime(report.createdAt)} · {report.model})
                </span>
                <p>{report.summary}</p>
                <p className="muted">
                  Strengths: {list(report.strengths)}. Weaknesses: {list(report.weaknesses)}. Suggestions: {list(report.improvementSuggestions)}.
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
      {reports.batches.length > 0 && (
        <section>
          <h4>Batches</h4>
          <ul className="report-list">
            {reports.batches.map((report) => (
              <li key={report.createdAt} data-testid="batch-report">
                <strong>
                  v{report.promptVersion}: average score {report.averageScore.toFixed(1)}
                </strong>{' '}
                <span className="muted">
                  ({report.conversationCount} conversations · {formatDateTime(report.createdAt)})
                </span>
                <p>{report.summary}</p>
                <p className="muted">
                  Patterns: {list(report.commonPatterns)}. Issues: {list(report.frequentIssues)}. Recommendations: {list(report.recommendations)}.
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
      {reports.conversations.length > 0 && (
        <section>
          <h4>Conversations</h4>
          <ul className="report-list">
            {reports.conversations.map((report) => (
              <li key={report.traceId} data-testid="conversation-report">
                <strong>
                  {report.outcome} · score {report.successScore}/10
                </strong>{' '}
                <span className="muted">
                  (<Link to={`/traces/${encodeURIComponent(report.traceId)}`}>{report.traceId}</Link>
                  {report.promptVersion !== null && `, v${report.promptVersion}`} · {formatDateTime(report.createdAt)})
                </span>
                <p>{report.summary}</p>
                {report.issues.length + report.criticalPoints.length > 0 && (
                  <p className="muted">
                    Critical points: {list(report.criticalPoints)}. Issues: {list(report.issues)}.
                  </p>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
