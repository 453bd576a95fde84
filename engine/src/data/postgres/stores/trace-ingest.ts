import { sql, type SQL } from 'drizzle-orm';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import { pgErrorCode, type Database, type Transaction } from '../database.js';
import type { IngestOutcome } from '../../traces.js';
import { foldEvents, type FoldedBatch, type SpanChange, type TraceChange } from './trace-fold.js';

/**
 * Ingestion's write path: one transaction per batch, a fixed number of set-based statements whatever
 * its size (rows travel as one JSON parameter, unpacked by `json_to_recordset`).
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
 *
 * Plans: a join with a function's rows or a CTE's is estimated at 100 or 200 rows, which makes a hash
 * join over a whole table look cheap; every statement also names its keys as `= any(array)`, so the
 * rows are found through an index however large the table grows.
 */

const json = (value: unknown) => sql`${JSON.stringify(value)}::json`;
const textArray = (values: string[]) => sql`${sql.param(values)}::text[]`;
const uuidArray = (values: string[]) => sql`${sql.param(values)}::uuid[]`;

const TRACE_COLUMNS = sql.raw(`trace_id text, name text, prompt_key text, version_number int, model text, source text, user_id text,
  session_id text, tags text[], metadata jsonb, input jsonb, output jsonb, started_at timestamptz, ended_at timestamptz,
  status trace_status, earliest timestamptz`);

const SPAN_COLUMNS = sql.raw(`span_id text, trace_id text, first_seen timestamptz, create_event_id text, parent_span_id text,
  type span_type, role span_role, name text, input jsonb, output jsonb, model text, input_tokens int, output_tokens int,
  cost numeric, duration_ms int, status span_status, metadata jsonb, started_at timestamptz, ended_at timestamptz, trace_uuid uuid`);

/** numeric(18,8) holds less than 10^10: a sum past it is capped rather than failing the batch. */
const MAX_USD = sql.raw('9999999999.99999999');
/** Milliseconds between two times, as a PostgreSQL integer holds them. */
const millisBetween = (from: SQL, to: SQL) => sql`least(greatest(round(extract(epoch from (${to} - ${from})) * 1000), 0), 2147483647)::int`;
/** A duration from a span's times, when it has ended. */
const derivedDuration = (start: SQL, end: SQL) => sql`case when ${end} is not null then ${millisBetween(start, end)} end`;
/** When a span ends: its end time, or its start plus its duration. */
const spanEnd = (start: SQL, end: SQL, duration: SQL) => sql`coalesce(${end}, ${start} + ${duration} * interval '1 millisecond')`;

/**
 * The cost of a span's usage from `model_prices` — the organization's own prices before the
 * instance's defaults; within each, an exact model name first, then the longest `*` pattern — or null
 * without a model, usage or price.
 */
function priceOf(projectId: string, model: SQL, inputTokens: SQL, outputTokens: SQL): SQL {
  return sql`case when ${model} is not null and (${inputTokens} is not null or ${outputTokens} is not null) then (
    select case when priced < 10000000000 then round(priced, 8) end
    from (
      select (coalesce(${inputTokens}, 0) * p.input_price_per_million + coalesce(${outputTokens}, 0) * p.output_price_per_million) / 1000000 as priced
      from model_prices p
      where (p.organization_id is null or p.organization_id = (select organization_id from projects where id = ${projectId}))
        and (p.model_pattern = ${model}
          or (strpos(p.model_pattern, '*') > 0
            and ${model} like replace(replace(replace(replace(p.model_pattern, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%')))
      order by p.organization_id is not null desc, p.model_pattern = ${model} desc, length(p.model_pattern) desc
      limit 1
    ) price) end`;
}

/** Claims the ids of events other than span-creates; returns those not seen before (waits for a concurrent batch holding one). */
async function claimEventIds(tx: Transaction, projectId: string, eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const claimed = await tx.execute<{ event_id: string }>(sql`
    insert into ingested_events (project_id, event_id)
    select ${projectId}, event_id from unnest(${textArray(eventIds)}) as event_id order by event_id
    on conflict do nothing
    returning event_id`);
  return new Set(claimed.rows.map((row) => row.event_id));
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
async function createAndLockTraces(tx: Transaction, projectId: string, batch: FoldedBatch): Promise<Map<string, LockedTrace>> {
  const changes = new Map(batch.traces.map((change) => [change.trace_id, change]));
  let rows: Array<TraceChange & { earliest: string }> = batch.touched.map((touched) => ({ ...changes.get(touched.trace_id), ...touched }));
  const traces = new Map<string, LockedTrace>();
  // A trace deleted (by a user or the retention job) between the insert and the lock is created again.
  for (let attempt = 1; rows.length > 0; attempt++) {
    if (attempt > 3) throw Object.assign(new Error('Traces kept disappearing while the batch locked them'), { code: '40001' });
    const missing = await createOrLock(tx, projectId, rows, traces);
    rows = rows.filter((row) => missing.has(row.trace_id));
  }
  return traces;
}

/** One round of createAndLockTraces: fills `traces`, returns the trace ids found neither new nor stored. */
async function createOrLock(tx: Transaction, projectId: string, rows: Array<TraceChange & { earliest: string }>, traces: Map<string, LockedTrace>): Promise<Set<string>> {
  const created = await tx.execute<{ id: string; trace_id: string }>(sql`
    insert into traces (project_id, trace_id, name, prompt_id, prompt_key, version_number, model, source, user_id, session_id,
      tags, metadata, input, output, started_at, ended_at, latency_ms, status)
    select ${projectId}, r.trace_id, r.name, (select p.id from prompts p where p.project_id = ${projectId} and p.key = r.prompt_key),
      r.prompt_key, r.version_number, r.model, r.source, r.user_id, r.session_id, coalesce(r.tags, '{}'), coalesce(r.metadata, '{}'),
      r.input, r.output, coalesce(r.started_at, r.earliest), r.ended_at,
      ${derivedDuration(sql`coalesce(r.started_at, r.earliest)`, sql`r.ended_at`)},
      coalesce(r.status, case when r.ended_at is not null then 'completed' else 'active' end::trace_status)
    from json_to_recordset(${json(rows)}) as r(${TRACE_COLUMNS})
    order by r.trace_id
    on conflict (project_id, trace_id) do nothing
    returning id, trace_id`);
  for (const row of created.rows) traces.set(row.trace_id, { id: row.id, created: true });
  const existing = rows.filter((row) => !traces.has(row.trace_id)).map((row) => row.trace_id);
  if (existing.length > 0) {
    const locked = await tx.execute<{ id: string; trace_id: string }>(sql`
      select id, trace_id from traces
      where project_id = ${projectId} and trace_id = any(${textArray(existing)})
      order by trace_id
      for update`);
    for (const row of locked.rows) traces.set(row.trace_id, { id: row.id, created: false });
  }
  return new Set(existing.filter((traceId) => !traces.has(traceId)));
}

/**
 * Applies trace events to traces that existed before this batch: sent fields replace, metadata merges.
 * An end time without a status completes an active trace (as on creation).
 */
async function updateTraces(tx: Transaction, projectId: string, changes: TraceChange[]): Promise<void> {
  if (changes.length === 0) return;
  await tx.execute(sql`
    update traces t set
      name = coalesce(r.name, t.name),
      prompt_key = coalesce(r.prompt_key, t.prompt_key),
      prompt_id = case when r.prompt_key is null then t.prompt_id
        else (select p.id from prompts p where p.project_id = t.project_id and p.key = r.prompt_key) end,
      version_number = coalesce(r.version_number, t.version_number),
      model = coalesce(r.model, t.model),
      source = coalesce(r.source, t.source),
      user_id = coalesce(r.user_id, t.user_id),
      session_id = coalesce(r.session_id, t.session_id),
      tags = coalesce(r.tags, t.tags),
      metadata = t.metadata || coalesce(r.metadata, '{}'),
      input = coalesce(r.input, t.input),
      output = coalesce(r.output, t.output),
      started_at = coalesce(r.started_at, t.started_at),
      ended_at = coalesce(r.ended_at, t.ended_at),
      status = coalesce(r.status, case when r.ended_at is not null and t.status = 'active' then 'completed' else t.status end),
      updated_at = now()
    from json_to_recordset(${json(changes)}) as r(${TRACE_COLUMNS})
    where t.project_id = ${projectId} and t.trace_id = r.trace_id and t.trace_id = any(${textArray(changes.map((change) => change.trace_id))})`);
}

/**
 * Inserts the spans that do not exist yet (duration and cost derived from their times and usage when
 * not sent) and adds them to their traces' counters, in one statement. Returns the span ids inserted
 * and the traces whose last span end cannot be told from their counters (their latency was clamped
 * to 0), which must be recounted.
 */
async function insertSpans(
  tx: Transaction,
  projectId: string,
  spans: SpanChange[],
  traces: Map<string, LockedTrace>,
): Promise<{ inserted: Set<string>; recount: string[] }> {
  if (spans.length === 0) return { inserted: new Set(), recount: [] };
  const rows = spans.map((span) => Object.assign(span, { trace_uuid: traces.get(span.trace_id)!.id }));
  const start = sql`coalesce(r.started_at, r.first_seen)`;
  const newStart = sql`least(t.started_at, a.first_start)`;
  // The last span end the counters stand for: the trace's start plus its latency (unless clamped).
  const priorEnd = sql`t.started_at + t.latency_ms * interval '1 millisecond'`;
  const end = sql`coalesce(t.ended_at, greatest(${priorEnd}, a.last_end))`;
  const result = await tx.execute<{ inserted: string[] | null; recount: string[] }>(sql`
    with inserted as (
      insert into spans (project_id, trace_id, span_id, create_event_id, parent_span_id, type, role, name, input, output, model,
        input_tokens, output_tokens, cost, duration_ms, status, metadata, started_at, ended_at)
      select ${projectId}, r.trace_uuid, r.span_id, r.create_event_id, r.parent_span_id, coalesce(r.type, 'message'), r.role, r.name,
        r.input, r.output, r.model, r.input_tokens, r.output_tokens,
        coalesce(r.cost, ${priceOf(projectId, sql`r.model`, sql`r.input_tokens`, sql`r.output_tokens`)}),
        coalesce(r.duration_ms, ${derivedDuration(start, sql`r.ended_at`)}),
        coalesce(r.status, 'ok'), coalesce(r.metadata, '{}'), ${start}, r.ended_at
      from json_to_recordset(${json(rows)}) as r(${SPAN_COLUMNS})
      order by r.span_id
      on conflict (project_id, span_id) do nothing
      returning span_id, trace_id, status, input_tokens, output_tokens, cost, started_at,
        ${spanEnd(sql`started_at`, sql`ended_at`, sql`duration_ms`)} as ends_at
    ), added as (
      select trace_id, count(*)::int as spans, (count(*) filter (where status = 'error'))::int as errors,
        coalesce(sum(input_tokens), 0)::bigint as input_tokens, coalesce(sum(output_tokens), 0)::bigint as output_tokens,
        coalesce(sum(cost), 0) as cost, min(started_at) as first_start, max(ends_at) as last_end
      from inserted group by trace_id
    ), prior as (
      select t.id from traces t where t.id = any(array(select trace_id from added)) and t.ended_at is null and t.latency_ms = 0
    ), counted as (
      update traces t set
        span_count = t.span_count + a.spans,
        error_count = t.error_count + a.errors,
        input_tokens = t.input_tokens + a.input_tokens,
        output_tokens = t.output_tokens + a.output_tokens,
        cost = least(t.cost + a.cost, ${MAX_USD}),
        started_at = ${newStart},
        latency_ms = case when ${end} is not null then ${millisBetween(newStart, end)} end,
        status = case when a.errors > 0 then 'error' else t.status end,
        updated_at = now()
      from added a
      where t.id = a.trace_id and t.id = any(array(select trace_id from added))
    )
    select case when (select count(*) from inserted) < ${rows.length} then array(select span_id from inserted) end as inserted,
      array(select id from prior) as recount`);
  const [row] = result.rows;
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
async function repeatedCreations(tx: Transaction, projectId: string, events: IngestEvent[], changes: SpanChange[], stored: SpanChange[]): Promise<Set<string>> {
  const storedIds = new Set(stored.map((span) => span.span_id));
  const recordedBy = new Map(changes.map((change) => [change.span_id, change.create_event_id]));
  const creations = events.filter((event) => event.type === 'span-create' && (storedIds.has(event.body.id) || recordedBy.get(event.body.id) !== event.id));
  if (creations.length === 0) return new Set();
  const onStored = creations.filter((event) => storedIds.has(event.body.id));
  const found =
    onStored.length === 0
      ? { rows: [] }
      : await tx.execute<{ span_id: string; create_event_id: string }>(sql`
    select span_id, create_event_id from spans
    where project_id = ${projectId} and span_id = any(${textArray([...new Set(onStored.map((event) => event.body.id))])})
      and create_event_id is not null`);
  const createdBy = new Map(found.rows.map((row) => [row.span_id, row.create_event_id]));
  const repeated = new Set(onStored.filter((event) => createdBy.get(event.body.id) === event.id).map((event) => event.id));
  const toClaim = creations.filter((event) => !repeated.has(event.id));
  const claimed = await claimEventIds(tx, projectId, toClaim.map((event) => event.id).sort());
  // (A new span's second create cannot have been applied before: its claim only records it.)
  for (const event of toClaim) if (storedIds.has(event.body.id) && !claimed.has(event.id)) repeated.add(event.id);
  return repeated;
}

/**
 * Applies span events to stored spans (which keep their trace): new times or usage without a new
 * duration or cost derive them again. Returns our ids of the spans' traces.
 */
async function updateSpans(tx: Transaction, projectId: string, spans: SpanChange[]): Promise<string[]> {
  if (spans.length === 0) return [];
  const start = sql`coalesce(r.started_at, s.started_at)`;
  const end = sql`coalesce(r.ended_at, s.ended_at)`;
  const updated = await tx.execute<{ trace_id: string }>(sql`
    update spans s set
      parent_span_id = coalesce(r.parent_span_id, s.parent_span_id),
      type = coalesce(r.type, s.type),
      role = coalesce(r.role, s.role),
      name = coalesce(r.name, s.name),
      input = coalesce(r.input, s.input),
      output = coalesce(r.output, s.output),
      model = coalesce(r.model, s.model),
      input_tokens = coalesce(r.input_tokens, s.input_tokens),
      output_tokens = coalesce(r.output_tokens, s.output_tokens),
      cost = case when r.cost is not null then r.cost
        when r.model is not null or r.input_tokens is not null or r.output_tokens is not null or s.cost is null
          then ${priceOf(projectId, sql`coalesce(r.model, s.model)`, sql`coalesce(r.input_tokens, s.input_tokens)`, sql`coalesce(r.output_tokens, s.output_tokens)`)}
        else s.cost end,
      duration_ms = case when r.duration_ms is not null then r.duration_ms
        when r.started_at is not null or r.ended_at is not null or s.duration_ms is null then ${derivedDuration(start, end)}
        else s.duration_ms end,
      status = coalesce(r.status, s.status),
      metadata = s.metadata || coalesce(r.metadata, '{}'),
      started_at = ${start},
      ended_at = ${end},
      create_event_id = coalesce(s.create_event_id, r.create_event_id)
    from json_to_recordset(${json(spans)}) as r(${SPAN_COLUMNS})
    where s.project_id = ${projectId} and s.span_id = r.span_id and s.span_id = any(${textArray(spans.map((span) => span.span_id))})
    returning s.trace_id`);
  return updated.rows.map((row) => row.trace_id);
}

/**
 * A stored span keeps its trace even when an event names another: that trace was not locked with the
 * batch's, and must be before it is recounted (else a concurrent batch's spans could be missed).
 */
async function lockOtherTraces(tx: Transaction, traceIds: string[], locked: Map<string, LockedTrace>): Promise<void> {
  const ours = new Set([...locked.values()].map((trace) => trace.id));
  const others = [...new Set(traceIds)].filter((id) => !ours.has(id));
  if (others.length === 0) return;
  await tx.execute(sql`select id from traces where id = any(${uuidArray(others)}) order by trace_id for update`);
}

/**
 * Recounts the traces' counters from their spans in one statement. A trace starts no later than its
 * first span; any span with status `error` makes the trace's status `error`.
 */
async function recountTraces(tx: Transaction, traceIds: string[]): Promise<void> {
  if (traceIds.length === 0) return;
  const start = sql`least(t.started_at, coalesce(a.first_start, t.started_at))`;
  await tx.execute(sql`
    update traces t set
      span_count = a.span_count,
      error_count = a.error_count,
      input_tokens = a.input_tokens,
      output_tokens = a.output_tokens,
      cost = a.cost,
      started_at = ${start},
      latency_ms = case when coalesce(t.ended_at, a.last_end) is not null then ${millisBetween(start, sql`coalesce(t.ended_at, a.last_end)`)} end,
      status = case when a.error_count > 0 then 'error' else t.status end,
      updated_at = now()
    from (
      select tr.id,
        count(s.id)::int as span_count,
        (count(s.id) filter (where s.status = 'error'))::int as error_count,
        coalesce(sum(s.input_tokens), 0)::bigint as input_tokens,
        coalesce(sum(s.output_tokens), 0)::bigint as output_tokens,
        least(coalesce(sum(s.cost), 0), ${MAX_USD}) as cost,
        min(s.started_at) as first_start,
        max(${spanEnd(sql`s.started_at`, sql`s.ended_at`, sql`s.duration_ms`)}) as last_end
      from traces tr left join spans s on s.trace_id = tr.id
      where tr.id = any(${uuidArray(traceIds)})
      group by tr.id
    ) a
    where t.id = a.id`);
}

/**
 * Runs a batch's transaction again when PostgreSQL rolled it back for a deadlock or a serialization
 * failure. Rows are locked in key order within each statement, but a span id sent under two traces
 * by concurrent batches can still meet in an insert and an update; the retry then finds the other
 * batch committed. Past the last attempt the client is answered 503 with Retry-After.
 */
async function retryingConflicts<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = pgErrorCode(error);
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
    }
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

  const { fresh, repeated } = await retryingConflicts(() => db.transaction(async (tx) => {
    const fresh = await claimEventIds(tx, projectId, firsts.filter((event) => event.type !== 'span-create').map((event) => event.id));
    const toApply = firsts.filter((event) => event.type === 'span-create' || fresh.has(event.id));
    if (toApply.length === 0) return { fresh, repeated: new Set<string>() };
    const batch = foldEvents(toApply);
    const traces = await createAndLockTraces(tx, projectId, batch);
    const changedTraces = batch.traces.filter((change) => !traces.get(change.trace_id)!.created);
    await updateTraces(tx, projectId, changedTraces);
    const { inserted, recount } = await insertSpans(tx, projectId, batch.spans, traces);
    const stored = batch.spans.filter((span) => !inserted.has(span.span_id));
    const repeated = await repeatedCreations(tx, projectId, toApply, batch.spans, stored);
    // A retried create comes again with whatever the batch holds besides: the rest still applies.
    const storedIds = new Set(stored.map((span) => span.span_id));
    const storedChanges =
      repeated.size === 0
        ? stored
        : foldEvents(toApply.filter((event) => event.type.startsWith('span-') && storedIds.has(event.body.id) && !repeated.has(event.id))).spans;
    const updatedTraces = await updateSpans(tx, projectId, storedChanges);
    await lockOtherTraces(tx, updatedTraces, traces);
    await recountTraces(tx, [...new Set([...changedTraces.map((change) => traces.get(change.trace_id)!.id), ...updatedTraces, ...recount])]);
    return { fresh, repeated };
  }));
  return events.map((event, index) => {
    if (firstIndex.get(event.id) !== index) return 'duplicate';
    const applied = event.type === 'span-create' ? !repeated.has(event.id) : fresh.has(event.id);
    return applied ? 'applied' : 'duplicate';
  });
}
