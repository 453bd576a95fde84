import { useState, type CSSProperties } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../app/EmptyState';
import { formatCountOf } from '../app/format';
import { PageShell } from '../app/PageShell';
import { QueryFallback } from '../app/Table';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { useWorkspace } from '../orgs/Workspace';
import { useProjectOverview, type ProjectOverview } from './api';
import { formatCount, formatDecimal, formatMs, formatPercent, formatUsd } from './measures';
import { PromptAnalytics } from './PromptAnalytics';
import { RangePicker, useRangePreset } from './RangePicker';
import { ReportsPanel } from './ReportsPanel';
import './analytics.css';

// The route loads this module on demand (router.tsx), with uPlot, so the main chunk stays small.
export function AnalyticsPage() {
  return (
    <PageShell name="analytics" title="Analytics" description="How your prompts perform over time: volume, cost, speed and errors, per version.">
      <RequireOrganization>
        <ProjectAnalytics />
      </RequireOrganization>
    </PageShell>
  );
}

function ProjectAnalytics() {
  const { organization, project } = useWorkspace();
  const { preset, range, choose } = useRangePreset('7d');
  const [chosenPrompt, setChosenPrompt] = useState<string | null>(null);
  const overview = useProjectOverview(organization?.id ?? '', project?.id ?? '', range);
  if (!organization || !project) return <p className="muted">Choose a project to see its analytics.</p>;

  const prompts = overview.data?.promptActivity ?? [];
  const promptKey = chosenPrompt !== null && prompts.some((prompt) => prompt.promptKey === chosenPrompt) ? chosenPrompt : (prompts[0]?.promptKey ?? null);

  return (
    <div className="analytics">
      <div className="analytics-toolbar">
        <RangePicker preset={preset} onChange={choose} label="Time range" testId="analytics-range" />
        {prompts.length > 0 && (
          <select className="select select--compact" aria-label="Prompt" data-testid="analytics-prompt" value={promptKey ?? ''} onChange={(event) => setChosenPrompt(event.target.value)}>
            {prompts.map((prompt) => (
              <option key={prompt.promptKey} value={prompt.promptKey}>
                {prompt.promptKey} ({formatCount(prompt.traces)})
              </option>
            ))}
          </select>
        )}
      </div>
      {!overview.data ? (
        <QueryFallback query={overview} what="analytics" />
      ) : overview.data.traces === 0 ? (
        <NoTraces />
      ) : (
        <>
          <OverviewCards overview={overview.data} />
          {promptKey !== null ? (
            <PromptAnalytics organizationId={organization.id} projectId={project.id} promptKey={promptKey} range={range} />
          ) : (
            <p className="muted">None of these traces names a prompt: send the prompt key and version with each trace to see per-prompt charts.</p>
          )}
        </>
      )}
      <ReportsPanel organizationId={organization.id} projectId={project.id} promptKey={promptKey} />
    </div>
  );
}

function OverviewCards({ overview }: { overview: ProjectOverview }) {
  const cards = [
    { id: 'traces', label: 'Traces', value: formatCount(overview.traces) },
    { id: 'spans', label: 'Spans', value: formatCount(overview.spans), detail: `${formatDecimal(overview.avgSpansPerTrace)} per trace` },
    { id: 'error-rate', label: 'Error rate', value: formatPercent(overview.errorRate), detail: `${formatCount(overview.errorTraces)} failed` },
    { id: 'latency', label: 'Avg latency', value: formatMs(overview.avgLatencyMs), detail: `p95 ${formatMs(overview.p95LatencyMs)}` },
    { id: 'tokens', label: 'Tokens', value: formatCount(overview.inputTokens + overview.outputTokens), detail: `${formatCount(overview.inputTokens)} in · ${formatCount(overview.outputTokens)} out` },
    { id: 'cost', label: 'Cost', value: formatUsd(overview.costUsd) },
    { id: 'prompts', label: 'Prompts', value: formatCount(overview.prompts), detail: `${formatCountOf(overview.users, 'user')} · ${formatCountOf(overview.sessions, 'session')}` },
  ];
  return (
    <dl className="stat-cards" data-testid="analytics-overview">
      {cards.map((card) => (
        <div key={card.id} className="stat-card" data-testid={`stat-${card.id}`}>
          <dt>{card.label}</dt>
          <dd className="stat-value" style={{ '--chars': card.value.length } as CSSProperties}>
            {card.value}
          </dd>
          {card.detail && <dd className="stat-detail">{card.detail}</dd>}
        </div>
      ))}
    </dl>
  );
}

function NoTraces() {
  return (
    <EmptyState icon="analytics" title="No traces in this range">
      <p>
        Send traces with the SDK (<code>@forprompt/sdk</code>), OpenTelemetry or <code>POST /api/v1/ingest</code>, naming the prompt key and version
        each trace ran. Volume, latency, tokens, cost and error rate per prompt version then appear here. A project API key is under{' '}
        <Link to="/settings/api-keys">Settings → API keys</Link>; the routes are in the <Link to="/reference">API reference</Link>.
      </p>
    </EmptyState>
  );
}
