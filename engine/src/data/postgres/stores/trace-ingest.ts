import type pg from 'pg';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import { pgErrorCode, poolOf, type Database } from '../database.js';
import type { IngestOutcome } from '../../traces.js';
import { foldEvents, type FoldedBatch, type SpanChange, type TraceChange } from './trace-fold.js';
import {
  CLAIM_EVENT_IDS,
  CREATE_EVENTS_OF_SPANS,
  CREATE_TRACES,
  INSERT_SPANS,
  LOCK_OTHER_TRACES,
  LOCK_TRACES,
  RECOUNT_TRACES,
  run,
  UPDATE_SPANS,
  UPDATE_TRACES,
} from './trace-ingest-sql.js';

/**
 * Ingestion's write path: one transaction per batch, a fixed number of set-based statements whatever
 * its size (trace-ingest-sql.ts).
 *
 * Idempotency: a span-create event is claimed by its span (`spans.create_event_id`: a retried create
 * finds its id there); the ids of the other events are claimed in `ingested_events` (a concurrent
 * batch with the same ids waits, then finds them taken).
 *
 * Concurrency: every touched trace is created or locked, in trace-id order, before spans are written
 * and counters changed — so two batches on one trace take turns, and each sees the other's committed
 * spans. Rows are always locked in key order, so batches cannot deadlock one another.
 *
 * Counters: a trace's new spans are added to its counters in the statement that inserts them; a
 * trace whose own fields or stored spans the batch changed is recounted from all its spans.
 */

/** Claims the ids of events other than span-creates; returns those not seen before (waits for a concurrent batch holding one). */
async function claimEventIds(client: pg.PoolClient, projectId: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const claimed = await run<{ event_id: string }>(client, CLAIM_EVENT_IDS, [projectId, eventIds]);
  return new Set(claimed.map((row) => row.event_id));
}

interface LockedTrace {
  /** Our id of the trace. */
  id: string;
  /** Created by this batch (so it has no spans but this batch's). */
  created: boolean;
}

/**
 * Creates the traces that do not exist (with the batch's fields, or as placeholders for spans that
 * came first), then locks the others. Rows this transaction inserted are its own until it commits.
 */
async function createAndLockTraces(client: pg.PoolClient, projectId: string, batch: FoldedBatch): Promise<Map<string, LockedTrace>> {
  const changes = new Map(batch.traces.map((change) => [change.trace_id, change]));
  let rows: Array<TraceChange & { earliest: string }> = batch.touched.map((touched) => ({ ...changes.get(touched.trace_id), ...touched }));
  const traces = new Map<string, LockedTrace>();
  // A trace deleted (by a user or the retention job) between the insert and the lock is created again.
  for (let attempt = 1; rows.length > 0; attempt++) {
    if (attempt > 3) throw Object.assign(new Error('Traces kept disappearing while the batch locked them'), { code: '40001' });
    const missing = await createOrLock(client, projectId, rows, traces);
    rows = rows.filter((row) => missing.has(row.trace_id));
  }
  return traces;
}

/** One round of createAndLockTraces: fills `traces`, returns the trace ids found neither new nor stored. */
async function createOrLock(client: pg.PoolClient, projectId: string, rows: Array<TraceChange & { earliest: string }>, traces: Map<string, LockedTrace>): Promise<Set<string>> {
  const created = await run<{ id: string; trace_id: string }>(client, CREATE_TRACES, [projectId, JSON.stringify(rows)]);
  for (const row of created) traces.set(row.trace_id, { id: row.id, created: true });
  const existing = rows.filter((row) => !traces.has(row.trace_id)).map((row) => row.trace_id);
  if (existing.length > 0) {
    const locked = await run<{ id: string; trace_id: string }>(client, LOCK_TRACES, [projectId, existing]);
    for (const row of locked) traces.set(row.trace_id, { id: row.id, created: false });
  }
  return new Set(existing.filter((traceId) => !traces.has(traceId)));
}

/**
 * Applies trace events to traces that existed before this batch: sent fields replace, metadata merges.
 * An end time without a status completes an active trace (as on creation).
 */
async function updateTraces(client: pg.PoolClient, projectId: string, changes: TraceChange[]): Promise<void> {
  if (changes.length === 0) return;
  await run(client, UPDATE_TRACES, [projectId, JSON.stringify(changes), changes.map((change) => change.trace_id)]);
}

/**
 * Inserts the spans that do not exist yet (duration and cost derived from their times and usage when
 * not sent) and adds them to their traces' counters, in one statement. Returns the span ids inserted
 * and the traces whose last span end cannot be told from their counters (their latency was clamped
 * to 0), which must be recounted.
 */
async function insertSpans(
  client: pg.PoolClient,
  projectId: string,
  spans: SpanChange[],
  traces: Map<string, LockedTrace>,
): Promise<{ inserted: Set<string>; recount: string[] }> {
  if (spans.length === 0) return { inserted: new Set(), recount: [] };
  const rows = spans.map((span) => Object.assign(span, { trace_uuid: traces.get(span.trace_id)!.id }));
  const [row] = await run<{ inserted: string[] | null; recount: string[] }>(client, INSERT_SPANS, [projectId, JSON.stringify(rows), rows.length]);
  // Usually every span is new: the ids come back only when some were stored already.
  return { inserted: new Set(row!.inserted ?? spans.map((span) => span.span_id)), recount: row!.recount };
}

/**
 * The span-create events that were applied before: retries. A span stores the id of the create that
 * made it; any other create of a span — of one stored before this batch, or a second create in the
 * batch of a new one — is claimed in `ingested_events` like other events (where the creates applied
 * before migration 0007 are too), and one claimed already is a retry. Stored spans cannot change
 * meanwhile: their traces are locked.
 */
async function repeatedCreations(client: pg.PoolClient, projectId: string, events: IngestEvent[], changes: SpanChange[], stored: SpanChange[]): Promise<Set<string>> {
  const storedIds = new Set(stored.map((span) => span.span_id));
  const recordedBy = new Map(changes.map((change) => [change.span_id, change.create_event_id]));
  const creations = events.filter((event) => event.type === 'span-create' && (storedIds.has(event.body.id) || recordedBy.get(event.body.id) !== event.id));
  if (creations.length === 0) return new Set();
  const onStored = creations.filter((event) => storedIds.has(event.body.id));
  const found =
    onStored.length === 0
      ? []
      : await run<{ span_id: string; create_event_id: string }>(client, CREATE_EVENTS_OF_SPANS, [projectId, [...new Set(onStored.map((event) => event.body.id))]]);
  const createdBy = new Map(found.map((row) => [row.span_id, row.create_event_id]));
  const repeated = new Set(onStored.filter((event) => createdBy.get(event.body.id) === event.id).map((event) => event.id));
  const toClaim = creations.filter((event) => !repeated.has(event.id));
  const claimed = await claimEventIds(client, projectId, toClaim.map((event) => event.id).sort());
  // (A new span's second create cannot have been applied before: its claim only records it.)
  for (const event of toClaim) if (storedIds.has(event.body.id) && !claimed.has(event.id)) repeated.add(event.id);
  return repeated;
}

/**
 * Applies span events to stored spans (which keep their trace): new times or usage without a new
 * duration or cost derive them again. Returns our ids of the spans' traces.
 */
async function updateSpans(client: pg.PoolClient, projectId: string, spans: SpanChange[]): Promise<string[]> {
  if (spans.length === 0) return [];
  const updated = await run<{ trace_id: string }>(client, UPDATE_SPANS, [projectId, JSON.stringify(spans), spans.map((span) => span.span_id)]);
  return updated.map((row) => row.trace_id);
}

/**
 * A stored span keeps its trace even when an event names another: that trace was not locked with the
 * batch's, and must be before it is recounted (else a concurrent batch's spans could be missed).
 */
async function lockOtherTraces(client: pg.PoolClient, traceIds: string[], locked: Map<string, LockedTrace>): Promise<void> {
  const ours = new Set([...locked.values()].map((trace) => trace.id));
  const others = [...new Set(traceIds)].filter((id) => !ours.has(id));
  if (others.length === 0) return;
  await run(client, LOCK_OTHER_TRACES, [others]);
}

/**
 * Recounts the traces' counters from their spans in one statement. A trace starts no later than its
 * first span; any span with status `error` makes the trace's status `error`.
 */
async function recountTraces(client: pg.PoolClient, traceIds: string[]): Promise<void> {
  if (traceIds.length > 0) await run(client, RECOUNT_TRACES, [traceIds]);
}

/**
 * Runs a batch's transaction again when PostgreSQL rolled it back for a deadlock or a serialization
 * failure. Rows are locked in key order within each statement, but a span id sent under two traces
 * by concurrent batches can still meet in an insert and an update; the retry then finds the other
 * batch committed. Past the last attempt the client is answered 503 with Retry-After.
 */
async function retryingConflicts<T>(apply: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apply();
    } catch (error) {
      const code = pgErrorCode(error);
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
    }
  }
}

/**
 * Runs `work` in a transaction on a client of drizzle's pool (the statements bypass drizzle). The
 * GIN indexes keep their pending lists small themselves (GIN_STORAGE in schema/observability.ts).
 */
async function inTransaction<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await poolOf(db).connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    client.release();
    return result;
  } catch (error) {
    // A client that cannot roll back is in an unknown state: the pool discards it.
    client.release(await client.query('rollback').then(() => undefined, (rollbackError: Error) => rollbackError));
    throw error;
  }
}

export async function ingestEvents(db: Database, projectId: string, events: IngestEvent[]): Promise<IngestOutcome[]> {
  if (events.length === 0) return [];
  // Within a batch, an id's first event counts; a repeat of it is a duplicate like any retry.
  const firstIndex = new Map<string, number>();
  events.forEach((event, index) => {
    if (!firstIndex.has(event.id)) firstIndex.set(event.id, index);
  });
  const firsts = events.filter((event, index) => firstIndex.get(event.id) === index);

  const { fresh, repeated } = await retryingConflicts(() => inTransaction(db, async (client) => {
    const fresh = await claimEventIds(client, projectId, firsts.filter((event) => event.type !== 'span-create').map((event) => event.id));
    const toApply = firsts.filter((event) => event.type === 'span-create' || fresh.has(event.id));
    if (toApply.length === 0) return { fresh, repeated: new Set<string>() };
    const batch = foldEvents(toApply);
    const traces = await createAndLockTraces(client, projectId, batch);
    const changedTraces = batch.traces.filter((change) => !traces.get(change.trace_id)!.created);
    await updateTraces(client, projectId, changedTraces);
    const { inserted, recount } = await insertSpans(client, projectId, batch.spans, traces);
    const stored = batch.spans.filter((span) => !inserted.has(span.span_id));
    const repeated = await repeatedCreations(client, projectId, toApply, batch.spans, stored);
    // A retried create comes again with whatever the batch holds besides: the rest still applies.
    const storedIds = new Set(stored.map((span) => span.span_id));
    const storedChanges =
      repeated.size === 0
        ? stored
        : foldEvents(toApply.filter((event) => event.type.startsWith('span-') && storedIds.has(event.body.id) && !repeated.has(event.id))).spans;
    const updatedTraces = await updateSpans(client, projectId, storedChanges);
    await lockOtherTraces(client, updatedTraces, traces);
    await recountTraces(client, [...new Set([...changedTraces.map((change) => traces.get(change.trace_id)!.id), ...updatedTraces, ...recount])]);
    return { fresh, repeated };
  }));
  return events.map((event, index) => {
    if (firstIndex.get(event.id) !== index) return 'duplicate';
    const applied = event.type === 'span-create' ? !repeated.has(event.id) : fresh.has(event.id);
    return applied ? 'applied' : 'duplicate';
  });
}
