import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../app/format';
import { Panel } from '../app/Panel';
import { useAiStatus } from '../analysis/api';
import { usePromptReports, type StoredReports } from './api';
import { GenerateReports } from './GenerateReports';

const reportKinds = [
  { title: 'Conversation reports', what: 'a success score (1–10), the outcome (success, partial, failed), critical points and issues for each conversation' },
  { title: 'Batch reports', what: 'the average score, common patterns, frequent issues and recommendations over every 10 conversations of a version' },
  { title: 'Version success reports', what: "a version's success rate, strengths, weaknesses and suggestions, to compare it with the others" },
] as const;

/**
 * The AI-written reports of the chosen prompt, with the button that generates them (a run on the engine);
 * without reports, what they are and what enables them.
 */
export function ReportsPanel({ organizationId, projectId, promptKey }: { organizationId: string; projectId: string; promptKey: string | null }) {
  const ai = useAiStatus(organizationId);
  const reports = usePromptReports(organizationId, projectId, promptKey);
  const provider = ai.data?.enabled ? ai.data.provider : null;
  const stored = reports.data && reports.data.conversations.length + reports.data.batches.length + reports.data.versions.length > 0 ? reports.data : null;
  return (
    <Panel title={promptKey ? `AI reports on ${promptKey}` : 'AI reports'} description="Written by an AI model from your traces." testId="analytics-reports">
      {promptKey && <GenerateReports organizationId={organizationId} projectId={projectId} promptKey={promptKey} explainDisabled={stored !== null} />}
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
              AI provider <strong>{provider}</strong> is configured; {promptKey ? 'no report has been written about this prompt yet: generate them above' : 'reports are written per prompt'}.
            </p>
          ) : (
            ai.data?.enabled === false && (
              <p className="note" data-testid="reports-need-ai">
                To enable reports, configure an AI provider: set <code>AI_PROVIDER</code> and its API key on the engine (see <code>.env.example</code>), or have an
                admin add a provider key under Settings → Provider keys.
              </p>
            )
          )}
        </>
      )}
    </Panel>
  );
}

const list = (items: string[]) => (items.length > 0 ? items.join('; ') : '—');

/** One kind of report: a heading and one entry per report (headline, details, summary, findings). */
function ReportSection<Report>({ title, reports, testId, keyOf, render }: {
  title: string;
  reports: Report[];
  testId: string;
  keyOf: (report: Report) => string;
  render: (report: Report) => { headline: ReactNode; details: ReactNode; summary: string; findings: string | null };
}) {
  if (reports.length === 0) return null;
  return (
    <section>
      <h4>{title}</h4>
      <ul className="report-list">
        {reports.map((report) => {
          const { headline, details, summary, findings } = render(report);
          return (
            <li key={keyOf(report)} data-testid={testId}>
              <strong>{headline}</strong> <span className="muted">({details})</span>
              <p>{summary}</p>
              {findings && <p className="muted">{findings}</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function StoredReportLists({ reports }: { reports: StoredReports }) {
  return (
    <div className="stored-reports" data-testid="stored-reports">
      <ReportSection
        title="Versions"
        reports={reports.versions}
        testId="version-report"
        keyOf={(report) => `${report.promptVersion}-${report.createdAt}`}
        render={(report) => ({
          headline: `v${report.promptVersion}: ${report.successRate.toFixed(0)}% successful`,
          details: `average score ${report.averageScore.toFixed(1)} over ${report.conversationCount} conversations · ${formatDateTime(report.createdAt)} · ${report.model}`,
          summary: report.summary,
          findings: `Strengths: ${list(report.strengths)}. Weaknesses: ${list(report.weaknesses)}. Suggestions: ${list(report.improvementSuggestions)}.`,
        })}
      />
      <ReportSection
        title="Batches"
        reports={reports.batches}
        testId="batch-report"
        keyOf={(report) => report.createdAt}
        render={(report) => ({
          headline: `v${report.promptVersion}: average score ${report.averageScore.toFixed(1)}`,
          details: `${report.conversationCount} conversations · ${formatDateTime(report.createdAt)}`,
          summary: report.summary,
          findings: `Patterns: ${list(report.commonPatterns)}. Issues: ${list(report.frequentIssues)}. Recommendations: ${list(report.recommendations)}.`,
        })}
      />
      <ReportSection
        title="Conversations"
        reports={reports.conversations}
        testId="conversation-report"
        keyOf={(report) => report.traceId}
        render={(report) => ({
          headline: `${report.outcome} · score ${report.successScore}/10`,
          details: (
            <>
              <Link to={`/traces/${encodeURIComponent(report.traceId)}`}>{report.traceId}</Link>
              {report.promptVersion !== null && `, v${report.promptVersion}`} · {formatDateTime(report.createdAt)}
            </>
          ),
          summary: report.summary,
          findings: report.issues.length + report.criticalPoints.length > 0 ? `Critical points: ${list(report.criticalPoints)}. Issues: ${list(report.issues)}.` : null,
        })}
      />
    </div>
  );
}
