import { sql } from 'drizzle-orm';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import type { Database, Transaction } from '../database.js';
import type { IngestOutcome } from '../../traces.js';
import { foldEvents, type FoldedBatch, type SpanChange, type TraceChange } from './trace-fold.js';

/**
 * Ingestion's write path: one transaction per batch, a fixed number of set-based statements whatever
 * its size (rows travel as one JSON parameter, unpacked by `jsonb_to_recordset`).
 *
 * Concurrency: event ids are claimed first (a concurrent batch with the same ids waits, then finds
 * them taken); then every touched trace is locked, in trace-id order, before spans are written and
 * counters recomputed — so two batches on one trace take turns, and each recount (a new snapshot per
 * statement under READ COMMITTED) sees the other's committed spans. Rows are always locked in key
 * order, so batches cannot deadlock one another.
 */

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

const TRACE_COLUMNS = sql.raw(`trace_id text, name text, prompt_key text, version_number int, model text, source text, user_id text,
  session_id text, tags text[], metadata jsonb, input jsonb, output jsonb, started_at timestamptz, ended_at timestamptz,
  status trace_status, earliest timestamptz`);

const SPAN_COLUMNS = sql.raw(`span_id text, trace_id text, first_seen timestamptz, parent_span_id text, type span_type,
  role span_role, name text, input jsonb, output jsonb, model text, input_tokens int, output_tokens int, cost numeric,
  duration_ms int, status span_status, metadata jsonb, started_at timestamptz, ended_at timestamptz`);

/** numeric(18,8) holds less than 10^10: a sum past it is capped rather than failing the batch. */
const MAX_USD = '9999999999.99999999';
/** Milliseconds between two times, as a PostgreSQL integer holds them. */
const millisBetween = (from: ReturnType<typeof sql>, to: ReturnType<typeof sql>) =>
  sql`least(greatest(round(extract(epoch from (${to} - ${from})) * 1000), 0), 2147483647)::int`;

/** Claims the event ids; returns those not seen before (waits for a concurrent batch holding one). */
async function claimEventIds(tx: Transaction, projectId: string, eventIds: string[]): Promise<Set<string>> {
  const claimed = await tx.execute<{ event_id: string }>(sql`
    insert into ingested_events (project_id, event_id)
    select ${projectId}, event_id from jsonb_array_elements_text(${json(eventIds)}) as event_id order by event_id
    on conflict do nothing
    returning event_id`);
  return new Set(claimed.rows.map((row) => row.event_id));
}

/**
 * Creates the traces that do not exist (with the batch's fields, or as placeholders for spans that
 * came first), then locks every touched trace. Returns the ids of the traces it created and our ids
 * of all of them.
 */
async function createAndLockTraces(tx: Transaction, projectId: string, batch: FoldedBatch): Promise<{ created: Set<string>; ids: string[] }> {
  const changes = new Map(batch.traces.map((change) => [change.trace_id, change]));
  const rows: Array<TraceChange & { earliest: string }> = batch.touched.map((touched) => ({ ...changes.get(touched.trace_id), ...touched }));
  const created = await tx.execute<{ trace_id: string }>(sql`
    insert into traces (project_id, trace_id, name, prompt_id, prompt_key, version_number, model, source, user_id, session_id,
      tags, metadata, input, output, started_at, ended_at, status)
    select ${projectId}, r.trace_id, r.name, (select p.id from prompts p where p.project_id = ${projectId} and p.key = r.prompt_key),
      r.prompt_key, r.version_number, r.model, r.source, r.user_id, r.session_id, coalesce(r.tags, '{}'), coalesce(r.metadata, '{}'),
      r.input, r.output, coalesce(r.started_at, r.earliest), r.ended_at, coalesce(r.status, 'active')
    from jsonb_to_recordset(${json(rows)}) as r(${TRACE_COLUMNS})
    order by r.trace_id
    on conflict (project_id, trace_id) do nothing
    returning trace_id`);
  const locked = await tx.execute<{ id: string }>(sql`
    select id from traces
    where project_id = ${projectId} and trace_id in (select jsonb_array_elements_text(${json(rows.map((row) => row.trace_id))}))
    order by trace_id
    for update`);
  return { created: new Set(created.rows.map((row) => row.trace_id)), ids: locked.rows.map((row) => row.id) };
}

/** Applies trace events to traces that existed before this batch: sent fields replace, metadata merges. */
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
      status = coalesce(r.status, t.status),
      updated_at = now()
    from jsonb_to_recordset(${json(changes)}) as r(${TRACE_COLUMNS})
    where t.project_id = ${projectId} and t.trace_id = r.trace_id`);
}

/**
 * Inserts new spans, then applies the rest to stored spans (which keep their trace). Returns our ids
 * of the spans written and of their traces.
 */
async function writeSpans(tx: Transaction, projectId: string, spans: SpanChange[]): Promise<{ spanIds: string[]; traceIds: string[] }> {
  if (spans.length === 0) return { spanIds: [], traceIds: [] };
  const inserted = await tx.execute<{ id: string; span_id: string; trace_id: string }>(sql`
    insert into spans (project_id, trace_id, span_id, parent_span_id, type, role, name, input, output, model, input_tokens,
      output_tokens, cost, duration_ms, status, metadata, started_at, ended_at)
    select ${projectId}, t.id, r.span_id, r.parent_span_id, coalesce(r.type, 'message'), r.role, r.name, r.input, r.output, r.model,
      r.input_tokens, r.output_tokens, r.cost, r.duration_ms, coalesce(r.status, 'ok'), coalesce(r.metadata, '{}'),
      coalesce(r.started_at, r.first_seen), r.ended_at
    from jsonb_to_recordset(${json(spans)}) as r(${SPAN_COLUMNS})
    join traces t on t.project_id = ${projectId} and t.trace_id = r.trace_id
    order by r.span_id
    on conflict (project_id, span_id) do nothing
    returning id, span_id, trace_id`);
  const insertedIds = new Set(inserted.rows.map((row) => row.span_id));
  const existing = spans.filter((span) => !insertedIds.has(span.span_id));
  // New times or usage without a new duration or cost: the stored ones are derived again (deriveSpanFields).
  const updated =
    existing.length === 0
      ? { rows: [] }
      : await tx.execute<{ id: string; trace_id: string }>(sql`
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
        when r.model is not null or r.input_tokens is not null or r.output_tokens is not null then null else s.cost end,
      duration_ms = case when r.duration_ms is not null then r.duration_ms
        when r.started_at is not null or r.ended_at is not null then null else s.duration_ms end,
      status = coalesce(r.status, s.status),
      metadata = s.metadata || coalesce(r.metadata, '{}'),
      started_at = coalesce(r.started_at, s.started_at),
      ended_at = coalesce(r.ended_at, s.ended_at)
    from jsonb_to_recordset(${json(existing)}) as r(${SPAN_COLUMNS})
    where s.project_id = ${projectId} and s.span_id = r.span_id
    returning s.id, s.trace_id`);
  const written = [...inserted.rows, ...updated.rows];
  return { spanIds: written.map((row) => row.id), traceIds: written.map((row) => row.trace_id) };
}

/**
 * Duration from the span's times, and cost from `model_prices` (the organization's own prices before
 * the instance's defaults; within each, an exact model name first, then the longest `*` pattern) when
 * the client sent usage without a cost.
 */
async function deriveSpanFields(tx: Transaction, spanIds: string[]): Promise<void> {
  if (spanIds.length === 0) return;
  await tx.execute(sql`
    update spans s set
      duration_ms = coalesce(s.duration_ms, case when s.ended_at is not null then ${millisBetween(sql`s.started_at`, sql`s.ended_at`)} end),
      cost = coalesce(s.cost, (
        select case when priced < 10000000000 then round(priced, 8) end
        from (
          select (coalesce(s.input_tokens, 0) * p.input_price_per_million + coalesce(s.output_tokens, 0) * p.output_price_per_million) / 1000000 as priced
          from model_prices p
          where (p.organization_id is null or p.organization_id = (select organization_id from projects where id = s.project_id))
            and (p.model_pattern = s.model
              or (strpos(p.model_pattern, '*') > 0
                and s.model like replace(replace(replace(replace(p.model_pattern, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%')))
          order by p.organization_id is not null desc, p.model_pattern = s.model desc, length(p.model_pattern) desc
          limit 1
        ) price))
    where s.id in (select (jsonb_array_elements_text(${json(spanIds)}))::uuid)
      and ((s.duration_ms is null and s.ended_at is not null)
        or (s.cost is null and s.model is not null and (s.input_tokens is not null or s.output_tokens is not null)))`);
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
        least(coalesce(sum(s.cost), 0), ${sql.raw(MAX_USD)}) as cost,
        min(s.started_at) as first_start,
        max(coalesce(s.ended_at, s.started_at + s.duration_ms * interval '1 millisecond')) as last_end
      from traces tr left join spans s on s.trace_id = tr.id
      where tr.id in (select (jsonb_array_elements_text(${json(traceIds)}))::uuid)
      group by tr.id
    ) a
    where t.id = a.id`);
}

export async function ingestEvents(db: Database, projectId: string, events: IngestEvent[]): Promise<IngestOutcome[]> {
  if (events.length === 0) return [];
  // Within a batch, an id's first event counts; a repeat of it is a duplicate like any retry.
  const firstIndex = new Map<string, number>();
  events.forEach((event, index) => {
    if (!firstIndex.has(event.id)) firstIndex.set(event.id, index);
  });
  const isFirst = (event: IngestEvent, index: number) => firstIndex.get(event.id) === index;

  const claimed = await db.transaction(async (tx) => {
    // A batch stuck behind a slow database is cancelled (57014, answered 503) rather than held: the client retries.
    await tx.execute(sql`set local statement_timeout = '10s'`);
    const fresh = await claimEventIds(tx, projectId, [...firstIndex.keys()].sort());
    const toApply = events.filter((event, index) => isFirst(event, index) && fresh.has(event.id));
    if (toApply.length === 0) return fresh;
    const batch = foldEvents(toApply);
    const traces = await createAndLockTraces(tx, projectId, batch);
    await updateTraces(tx, projectId, batch.traces.filter((change) => !traces.created.has(change.trace_id)));
    const spans = await writeSpans(tx, projectId, batch.spans);
    await deriveSpanFields(tx, spans.spanIds);
    await recountTraces(tx, [...new Set([...traces.ids, ...spans.traceIds])]);
    return fresh;
  });
  return events.map((event, index) => (isFirst(event, index) && claimed.has(event.id) ? 'applied' : 'duplicate'));
}
