import { and, asc, eq } from 'drizzle-orm';
import type { JsonValue } from '@forprompt/sdk/ingest';
import { spans, traces } from '../schema/index.js';
import type { Database } from '../database.js';
import type { SpanView, TraceStore, TraceSummary } from '../../traces.js';
import { ingestEvents } from './trace-ingest.js';
import { createPrice, deletePrice, listPrices, updatePrice } from './trace-prices.js';
import { listTraceRows } from './trace-query.js';
import { clearTraces, deleteTrace, purgeExpiredTraces, setTraceRetention, traceRetention } from './trace-retention.js';

type TraceRow = typeof traces.$inferSelect;
type SpanRow = typeof spans.$inferSelect;

function toSummary(row: TraceRow): TraceSummary {
  return {
    traceId: row.traceId,
    name: row.name,
    promptKey: row.promptKey,
    promptVersion: row.versionNumber,
    model: row.model,
    source: row.source,
    status: row.status,
    userId: row.userId,
    sessionId: row.sessionId,
    tags: row.tags,
    metadata: row.metadata as TraceSummary['metadata'],
    spanCount: row.spanCount,
    errorCount: row.errorCount,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: row.cost,
    latencyMs: row.latencyMs,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toSpan(row: SpanRow, traceId: string): SpanView {
  return {
    spanId: row.spanId,
    traceId,
    parentSpanId: row.parentSpanId,
    type: row.type,
    role: row.role,
    name: row.name,
    input: (row.input ?? null) as JsonValue | null,
    output: (row.output ?? null) as JsonValue | null,
    model: row.model,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    costUsd: row.cost,
    durationMs: row.durationMs,
    status: row.status,
    metadata: row.metadata as SpanView['metadata'],
    startedAt: row.startedAt,
    endedAt: row.endedAt,
  };
}

/** `ingestDb` writes ingested events (it may be `db`, or a pool of its own). */
export function traceStore(db: Database, ingestDb: Database = db): TraceStore {
  return {
    ingest: (_ctx, projectId, events) => ingestEvents(ingestDb, projectId, events),

    async list(projectId, query) {
      const rows = await listTraceRows(db, projectId, query);
      return rows.map(({ row, cursorValue }) => ({ ...toSummary(row), cursor: { value: cursorValue, id: row.id } }));
    },

    async get(projectId, traceId) {
      const [row] = await db.select().from(traces).where(and(eq(traces.projectId, projectId), eq(traces.traceId, traceId)));
      if (!row) return null;
      const spanRows = await db.select().from(spans).where(eq(spans.traceId, row.id)).orderBy(asc(spans.startedAt), asc(spans.spanId));
      return {
        ...toSummary(row),
        input: (row.input ?? null) as JsonValue | null,
        output: (row.output ?? null) as JsonValue | null,
        spans: spanRows.map((span) => toSpan(span, row.traceId)),
      };
    },

    delete: (ctx, scope, traceId) => deleteTrace(db, ctx, scope, traceId),
    clear: (ctx, scope) => clearTraces(db, ctx, scope),
    purgeExpired: (options) => purgeExpiredTraces(db, options),
    retention: (projectId) => traceRetention(db, projectId),
    setRetention: (ctx, scope, retentionDays) => setTraceRetention(db, ctx, scope, retentionDays),
    listPrices: (organizationId) => listPrices(db, organizationId),
    createPrice: (ctx, organizationId, input) => createPrice(db, ctx, organizationId, input),
    updatePrice: (ctx, organizationId, priceId, input) => updatePrice(db, ctx, organizationId, priceId, input),
    deletePrice: (ctx, organizationId, priceId) => deletePrice(db, ctx, organizationId, priceId),
  };
}
