import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { CopyBlock } from '../app/CopyField';
import { EmptyState } from '../app/EmptyState';
import { formatCountOf, formatDateTime } from '../app/format';
import { PageShell } from '../app/PageShell';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { PermissionButton } from '../orgs/PermissionButton';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { useWorkspace } from '../orgs/Workspace';
import { filterNames, formatCost, formatLatency, tracesKey, tracesPath, useTraceList, type Trace, type TraceFilters } from './api';
import { TraceFilterBar } from './TraceFilterBar';
import './traces.css';

export function TracesPage() {
  return (
    <PageShell name="traces" title="Traces" description="What your LLM features actually did in production, conversation by conversation.">
      <RequireOrganization>
        <TraceExplorer />
      </RequireOrganization>
    </PageShell>
  );
}

/** The filters live in the URL, so a filtered list can be bookmarked and shared. */
function useTraceFilters(): [TraceFilters, (filters: TraceFilters) => void] {
  const [params, setParams] = useSearchParams();
  const filters: TraceFilters = {};
  for (const name of filterNames) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  const setFilters = (next: TraceFilters) => {
    const query = new URLSearchParams();
    for (const name of filterNames) if (next[name]) query.set(name, next[name]!);
    setParams(query, { replace: true });
  };
  return [filters, setFilters];
}

function TraceExplorer() {
  const { organization, project } = useWorkspace();
  const [clearing, setClearing] = useState(false);
  if (!organization) return null;
  if (!project) return <p className="muted">Create a project in Settings › Projects first; traces belong to a project.</p>;
  return (
    <Panel
      title={`Traces in ${project.name}`}
      actions={
        <PermissionButton permission="project.manage" className="button button--ghost button--danger" onClick={() => setClearing(true)} data-testid="clear-traces">
          Clear logs
        </PermissionButton>
      }
      testId="traces-panel"
    >
      <TraceList organizationId={organization.id} projectId={project.id} />
      {clearing && (
        <ConfirmDialog
          onClose={() => setClearing(false)}
          title={`Clear all traces of ${project.name}?`}
          confirmLabel="Clear logs"
          action={(confirmSlug) => apiSend<{ deleted: number }>('POST', `${tracesPath(organization.id, project.id)}/clear`, { confirmSlug })}
          invalidates={tracesKey(organization.id, project.id)}
          successMessage={(result) => `Deleted ${formatCountOf(result.deleted, 'trace')}`}
          typeToConfirm={project.slug}
        >
          <p>Every trace and span of this project is deleted. Analytics lose their history. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}

function TraceList({ organizationId, projectId }: { organizationId: string; projectId: string }) {
  const [filters, setFilters] = useTraceFilters();
  const list = useTraceList(organizationId, projectId, filters);
  const filtered = Object.keys(filters).some((name) => name !== 'sort');
  if (!list.isSuccess) return <QueryFallback query={list} what="traces" />;
  const traces = list.data.pages.flatMap((page) => page.traces);
  if (traces.length === 0 && !filtered) return <NoTracesYet />;
  return (
    <>
      <TraceFilterBar filters={filters} onChange={setFilters} />
      {traces.length === 0 ? (
        <p className="muted" data-testid="traces-no-match">
          No trace matches these filters. <button type="button" className="link-button" onClick={() => setFilters(filters.sort ? { sort: filters.sort } : {})}>Clear filters</button>
        </p>
      ) : (
        <TraceRows traces={traces} />
      )}
      {list.hasNextPage && (
        <div className="traces-more">
          <button type="button" className="button button--ghost" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage} data-testid="traces-load-more">
            {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}

function TraceRows({ traces }: { traces: Trace[] }) {
  return (
    <Table columns={['Trace', 'Prompt', 'Model', 'Status', 'Spans', 'Tokens', 'Cost', 'Latency', 'Started']} testId="traces-table" dense>
      {traces.map((trace) => (
        <tr key={trace.traceId} data-testid="trace-row">
          <td>
            <Link to={`/traces/${encodeURIComponent(trace.traceId)}`} className="trace-link">
              <span className="cell-title">{trace.name ?? trace.traceId}</span>
              {trace.name && <code className="trace-id">{trace.traceId}</code>}
            </Link>
          </td>
          <td>{trace.promptKey ? <code>{trace.promptKey}{trace.promptVersion !== null && ` v${trace.promptVersion}`}</code> : <span className="muted">—</span>}</td>
          <td>{trace.model ?? <span className="muted">—</span>}</td>
          <td>
            <span className={`badge trace-status trace-status--${trace.status}`}>{trace.status}</span>
          </td>
          <td className="numeric">{trace.spanCount}</td>
          <td className="numeric">{(trace.inputTokens + trace.outputTokens).toLocaleString()}</td>
          <td className="numeric">{formatCost(trace.costUsd)}</td>
          <td className="numeric">{formatLatency(trace.latencyMs)}</td>
          <td>{formatDateTime(trace.startedAt)}</td>
        </tr>
      ))}
    </Table>
  );
}

const SDK_SNIPPET = `import { ForPrompt } from '@forprompt/sdk';

const forprompt = new ForPrompt({ apiKey: process.env.FORPROMPT_API_KEY });
const trace = forprompt.trace({ name: 'support reply', promptKey: 'support.reply' });
trace.span({ type: 'llm_call', model: 'gpt-4o-mini', input: messages, output: reply, usage }).end();
trace.end();
await forprompt.shutdown(); // on exit: sends what is still queued`;

function NoTracesYet() {
  return (
    <EmptyState
      icon="traces"
      title="No traces yet"
      nextSteps={
        <>
          <p className="muted">
            Create an API key in <Link to="/settings/api-keys">Settings › API keys</Link>, then send traces from your application with the SDK
            (or POST batches to <code>/api/v1/ingest</code>, or point an OpenTelemetry exporter at <code>/api/v1/otel/v1/traces</code>):
          </p>
          <CopyBlock label="Node.js" value={SDK_SNIPPET} testId="traces-sdk-snippet" />
        </>
      }
    >
      <p>
        Each conversation your application has appears here as a trace: its messages, LLM calls and tool calls as a span tree, with tokens, cost and
        latency, linked to the prompt version that produced it.
      </p>
    </EmptyState>
  );
}
