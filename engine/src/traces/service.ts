import { ingestEventSchema, INGEST_LIMITS, type IngestEvent, type IngestResponse, type IngestResult } from '@forprompt/sdk/ingest';
import { NotFoundError, RateLimitedError } from '../errors.js';
import type { WriteContext } from '../data/provider.js';
import { MAX_CONCURRENT_INGESTS, type TraceDetail, type TraceQuery, type TraceSummary } from '../data/traces.js';
import { encodeTraceCursor, type traceListQuery } from './schema.js';
import type { z } from 'zod';

type TraceListQuery = z.output<typeof traceListQuery>;
import type { Services } from '../http/services.js';
import { toFieldIssues } from '../http/validate.js';

/** The event's own id when it has a usable one, so the client can match the result to it. */
function idOf(event: unknown): string | null {
  const id = typeof event === 'object' && event !== null ? (event as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= INGEST_LIMITS.idLength ? id : null;
}

let ingestsInFlight = 0;

async function withIngestSlot<T>(apply: () => Promise<T>): Promise<T> {
  if (ingestsInFlight >= MAX_CONCURRENT_INGESTS) {
    throw new RateLimitedError(1, 'The engine is busy writing other batches; retry this one shortly');
  }
  ingestsInFlight++;
  try {
    return await apply();
  } finally {
    ingestsInFlight--;
  }
}

/** Who writes a batch: its API key. Ingestion is not audited, so no address or user agent is kept. */
export const ingestContext = (apiKeyId: string): WriteContext => ({ actor: { type: 'api_key', apiKeyId } });

/**
 * Validates each event on its own with the SDK's shared schema and applies the valid ones in one
 * transaction: the answer holds one result per event, in batch order (201 applied, 200 duplicate,
 * 400 with the fields named as `batch.<index>.…`).
 */
export async function ingestBatch(services: Services, ctx: WriteContext, projectId: string, batch: unknown[]): Promise<IngestResponse> {
  const results: IngestResult[] = [];
  const valid: Array<{ index: number; event: IngestEvent }> = [];
  batch.forEach((raw, index) => {
    const parsed = ingestEventSchema.safeParse(raw);
    if (parsed.success) {
      valid.push({ index, event: parsed.data });
      return;
    }
    const issues = toFieldIssues(`batch.${index}`, parsed.error);
    const fields = [...new Set(issues.map((issue) => issue.path))].join(', ');
    results[index] = { id: idOf(raw), status: 400, error: { code: 'validation_error', message: `Invalid event: ${fields}`, details: { issues } } };
  });
  const events = valid.map(({ event }) => event);
  const outcomes = events.length === 0 ? [] : await withIngestSlot(() => services.provider.traces.ingest(ctx, projectId, events));
  valid.forEach(({ index, event }, position) => {
    results[index] = { id: event.id, status: outcomes[position] === 'applied' ? 201 : 200 };
  });
  return { results };
}

/** A page of the trace list, newest first, with the cursor of the next page (null on the last). */
export async function listTraces(services: Services, projectId: string, query: TraceQuery): Promise<{ traces: TraceSummary[]; nextCursor: string | null }> {
  const page = await services.provider.traces.list(projectId, { ...query, limit: query.limit + 1 });
  const shown = page.slice(0, query.limit);
  const last = page.length > query.limit ? shown.at(-1)!.cursor : null;
  return {
    traces: shown.map(({ cursor: _cursor, ...trace }) => trace),
    nextCursor: last ? encodeTraceCursor(query.sort ?? 'time', last) : null,
  };
}

/** The list query as the route parsed it, for the store (empty filters dropped). */
export function toTraceQuery(query: TraceListQuery): TraceQuery {
  const { cursor, search, tags, ...filters } = query;
  return { ...filters, ...(cursor && { after: { value: cursor.value, id: cursor.id } }), ...(search && { search }), ...(tags?.length && { tags }) };
}

export async function getTrace(services: Services, projectId: string, traceId: string): Promise<TraceDetail> {
  const trace = await services.provider.traces.get(projectId, traceId);
  if (!trace) throw new NotFoundError('Trace', 'trace_not_found');
  return trace;
}
