import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { formatCountOf, formatDateTime } from '../app/format';
import { PageShell } from '../app/PageShell';
import { Panel } from '../app/Panel';
import { QueryFallback } from '../app/Table';
import { PermissionButton } from '../orgs/PermissionButton';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { useWorkspace } from '../orgs/Workspace';
import { formatCost, formatLatency, formatTokens, tracePath, tracesKey, useTrace, type TraceWithSpans } from './api';
import { Conversation } from './Conversation';
import { SpanDetail } from './SpanDetail';
import { SpanWaterfall } from './SpanWaterfall';
import './traces.css';

export function TracePage() {
  const { traceId = '' } = useParams();
  return (
    <PageShell name="trace" title={`Trace ${traceId}`} description="One conversation: its spans on a timeline, its messages, tokens and cost.">
      <p>
        <Link to="/traces">← All traces</Link>
      </p>
      <RequireOrganization>
        <TraceDetail traceId={traceId} />
      </RequireOrganization>
    </PageShell>
  );
}

function TraceDetail({ traceId }: { traceId: string }) {
  const { organization, project } = useWorkspace();
  if (!organization || !project) return null;
  return <LoadedTrace organizationId={organization.id} projectId={project.id} traceId={traceId} />;
}

function LoadedTrace({ organizationId, projectId, traceId }: { organizationId: string; projectId: string; traceId: string }) {
  const trace = useTrace(organizationId, projectId, traceId);
  const navigate = useNavigate();
  const [deleting, setDeleting] = useState(false);
  const [selectedSpan, setSelectedSpan] = useState<string | null>(null);
  if (!trace.isSuccess) return <QueryFallback query={trace} what="the trace" />;
  const span = trace.data.spans.find((candidate) => candidate.spanId === selectedSpan);
  return (
    <>
      <Panel
        title={trace.data.name ?? trace.data.traceId}
        actions={
          <PermissionButton permission="prompt.write" className="button button--ghost button--danger" onClick={() => setDeleting(true)} data-testid="delete-trace">
            Delete trace
          </PermissionButton>
        }
        testId="trace-summary"
      >
        <TraceTotals trace={trace.data} />
      </Panel>
      <Panel title="Timeline" description="Spans nested under their parents; bars show when each ran. Select a span to see its details." testId="trace-timeline">
        <SpanWaterfall trace={trace.data} selected={selectedSpan} onSelect={setSelectedSpan} />
      </Panel>
      {span && (
        <Panel title={`Span: ${span.name ?? span.role ?? span.spanId}`} testId="trace-span">
          <SpanDetail span={span} />
        </Panel>
      )}
      <Panel title="Conversation" testId="trace-conversation">
        <Conversation trace={trace.data} />
      </Panel>
      <Panel title="Metadata" testId="trace-metadata">
        <pre className="json-block" data-testid="trace-metadata-json">{JSON.stringify({ metadata: trace.data.metadata, input: trace.data.input, output: trace.data.output }, null, 2)}</pre>
      </Panel>
      {deleting && (
        <ConfirmDialog
          onClose={() => setDeleting(false)}
          title="Delete this trace?"
          confirmLabel="Delete trace"
          action={async () => {
            await apiSend('DELETE', tracePath(organizationId, projectId, traceId));
            navigate('/traces');
          }}
          invalidates={tracesKey(organizationId, projectId)}
          successMessage={`Deleted trace ${traceId}`}
        >
          <p>The trace and its {formatCountOf(trace.data.spanCount, 'span')} are deleted. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function TraceTotals({ trace }: { trace: TraceWithSpans }) {
  const facts: Array<[string, string]> = [
    ['Status', trace.status],
    ['Prompt', trace.promptKey ? `${trace.promptKey}${trace.promptVersion !== null ? ` v${trace.promptVersion}` : ''}` : '—'],
    ['Model', trace.model ?? '—'],
    ['Tokens', formatTokens(trace.inputTokens, trace.outputTokens)],
    ['Cost', formatCost(trace.costUsd)],
    ['Latency', formatLatency(trace.latencyMs)],
    ['Spans', `${trace.spanCount}${trace.errorCount > 0 ? ` (${trace.errorCount} failed)` : ''}`],
    ['User', trace.userId ?? '—'],
    ['Session', trace.sessionId ?? '—'],
    ['Tags', trace.tags.join(', ') || '—'],
    ['Started', formatDateTime(trace.startedAt)],
    ['Source', trace.source ?? '—'],
  ];
  return (
    <dl className="trace-facts" data-testid="trace-totals">
      {facts.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd data-testid={`trace-fact-${label.toLowerCase()}`}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
