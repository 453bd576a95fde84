import { and, asc, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { JsonValue } from '@forprompt/sdk/ingest';
import { spans, traces } from '../schema/index.js';
import type { Database } from '../database.js';
import type { SpanView, TraceStore, TraceSummary } from '../../traces.js';
import { ingestEvents } from './trace-ingest.js';

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

export function traceStore(db: Database): TraceStore {
  return {
    ingest: (_ctx, projectId, events) => ingestEvents(db, projectId, events),

    async list(projectId, query) {
      const conditions: Array<SQL | undefined> = [
        eq(traces.projectId, projectId),
        query.promptKey !== undefined ? eq(traces.promptKey, query.promptKey) : undefined,
        query.promptVersion !== undefined ? eq(traces.versionNumber, query.promptVersion) : undefined,
        query.userId !== undefined ? eq(traces.userId, query.userId) : undefined,
        query.sessionId !== undefined ? eq(traces.sessionId, query.sessionId) : undefined,
        query.status !== undefined ? eq(traces.status, query.status) : undefined,
        query.from !== undefined ? gte(traces.startedAt, query.from) : undefined,
        query.to !== undefined ? lt(traces.startedAt, query.to) : undefined,
        // Keyset: strictly after the previous page's last entry in (startedAt desc, id desc) order.
        query.after !== undefined
          ? or(lt(traces.startedAt, query.after.startedAt), and(eq(traces.startedAt, query.after.startedAt), lt(traces.id, query.after.id)))
          : undefined,
      ];
      const rows = await db
        .select()
        .from(traces)
        .where(and(...conditions))
        .orderBy(desc(traces.startedAt), desc(traces.id))
        .limit(query.limit);
      return rows.map((row) => ({ ...toSummary(row), cursor: { startedAt: row.startedAt, id: row.id } }));
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
  };
}
