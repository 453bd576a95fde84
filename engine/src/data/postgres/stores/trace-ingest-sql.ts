import type pg from 'pg';

/**
 * The statements of ingestion's write path (trace-ingest.ts), bypassing drizzle: fixed texts that pg
 * runs as named statements, so each connection parses and plans them once rather than on every batch
 * (issue 7: that was a tenth of the database's time per batch). Rows travel as one jsonb parameter,
 * unpacked by `jsonb_to_recordset` (`json` would parse their jsonb fields a second time). A statement
 * that names the project takes it as `$1`.
 *
 * Plans: a join with a function's rows or a CTE's is estimated at 100 or 200 rows, which makes a hash
 * join over a whole table look cheap; every statement also names its keys as `= any(array)`, so the
 * rows are found through an index however large the table grows.
 */

/** A statement prepared once per connection under its name. */
interface Statement {
  name: string;
  text: string;
}

const statement = (name: string, text: string): Statement => ({ name: `trace_ingest_${name}`, text });

export async function run<R extends pg.QueryResultRow>(client: pg.PoolClient, { name, text }: Statement, values: unknown[]): Promise<R[]> {
  return (await client.query<R>({ name, text, values })).rows;
}

const TRACE_COLUMNS = `trace_id text, name text, prompt_key text, version_number int, model text, source text, user_id text,
  session_id text, tags text[], metadata jsonb, input jsonb, output jsonb, started_at timestamptz, ended_at timestamptz,
  status trace_status, earliest timestamptz`;

const SPAN_COLUMNS = `span_id text, trace_id text, first_seen timestamptz, create_event_id text, parent_span_id text,
  type span_type, role span_role, name text, input jsonb, output jsonb, model text, input_tokens int, output_tokens int,
  cost numeric, duration_ms int, status span_status, metadata jsonb, started_at timestamptz, ended_at timestamptz, trace_uuid uuid`;

/** numeric(18,8) holds less than 10^10: a sum past it is capped rather than failing the batch. */
const MAX_USD = '9999999999.99999999';
/** Milliseconds between two times, as a PostgreSQL integer holds them. */
const millisBetween = (from: string, to: string) => `least(greatest(round(extract(epoch from (${to} - ${from})) * 1000), 0), 2147483647)::int`;
/** A duration from a span's times, when it has ended. */
const derivedDuration = (start: string, end: string) => `case when ${end} is not null then ${millisBetween(start, end)} end`;
/** `column = coalesce(r.column, table.column)` for each column: a field the event sent replaces the stored one. */
const sentOrStored = (table: string, columns: string[]) => columns.map((column) => `${column} = coalesce(r.${column}, ${table}.${column})`).join(',\n      ');
/** When a span ends: its end time, or its start plus its duration. */
const spanEnd = (start: string, end: string, duration: string) => `coalesce(${end}, ${start} + ${duration} * interval '1 millisecond')`;

/**
 * The cost of a span's usage from `model_prices` — the organization's own prices before the
 * instance's defaults; within each, an exact model name first, then the longest `*` pattern — or null
 * without a model, usage or price. `$1` is the project.
 */
function priceOf(model: string, inputTokens: string, outputTokens: string): string {
  return `case when ${model} is not null and (${inputTokens} is not null or ${outputTokens} is not null) then (
    select case when priced < 10000000000 then round(priced, 8) end
    from (
      select (coalesce(${inputTokens}, 0) * p.input_price_per_million + coalesce(${outputTokens}, 0) * p.output_price_per_million) / 1000000 as priced
      from model_prices p
      where (p.organization_id is null or p.organization_id = (select organization_id from projects where id = $1::uuid))
        and (p.model_pattern = ${model}
          or (strpos(p.model_pattern, '*') > 0
            and ${model} like replace(replace(replace(replace(p.model_pattern, '\\', '\\\\'), '%', '\\%'), '_', '\\_'), '*', '%')))
      order by p.organization_id is not null desc, p.model_pattern = ${model} desc, length(p.model_pattern) desc
      limit 1
    ) price) end`;
}

/** Claims event ids (`$2`) in id order; returns those no batch claimed before. */
export const CLAIM_EVENT_IDS = statement('claim_event_ids', `
    insert into ingested_events (project_id, event_id)
    select $1::uuid, event_id from unnest($2::text[]) as event_id order by event_id
    on conflict do nothing
    returning event_id`);

/** Inserts the traces (`$2` rows) that do not exist, in trace-id order; returns those inserted. */
export const CREATE_TRACES = statement('create_traces', `
    insert into traces (project_id, trace_id, name, prompt_id, prompt_key, version_number, model, source, user_id, session_id,
      tags, metadata, input, output, started_at, ended_at, latency_ms, status)
    select $1::uuid, r.trace_id, r.name, (select p.id from prompts p where p.project_id = $1::uuid and p.key = r.prompt_key),
      r.prompt_key, r.version_number, r.model, r.source, r.user_id, r.session_id, coalesce(r.tags, '{}'), coalesce(r.metadata, '{}'),
      r.input, r.output, coalesce(r.started_at, r.earliest), r.ended_at,
      ${derivedDuration('coalesce(r.started_at, r.earliest)', 'r.ended_at')},
      coalesce(r.status, case when r.ended_at is not null then 'completed' else 'active' end::trace_status)
    from jsonb_to_recordset($2::jsonb) as r(${TRACE_COLUMNS})
    order by r.trace_id
    on conflict (project_id, trace_id) do nothing
    returning id, trace_id`);

/** Locks stored traces (`$2` trace ids) in trace-id order. */
export const LOCK_TRACES = statement('lock_traces', `
    select id, trace_id from traces
    where project_id = $1::uuid and trace_id = any($2::text[])
    order by trace_id
    for update`);

/** Applies trace changes (`$2` rows, `$3` their trace ids) to stored traces. */
export const UPDATE_TRACES = statement('update_traces', `
    update traces t set
      ${sentOrStored('t', ['name', 'prompt_key', 'version_number', 'model', 'source', 'user_id', 'session_id', 'tags', 'input', 'output', 'started_at', 'ended_at'])},
      prompt_id = case when r.prompt_key is null then t.prompt_id
        else (select p.id from prompts p where p.project_id = t.project_id and p.key = r.prompt_key) end,
      metadata = t.metadata || coalesce(r.metadata, '{}'),
      status = coalesce(r.status, case when r.ended_at is not null and t.status = 'active' then 'completed' else t.status end),
      updated_at = now()
    from jsonb_to_recordset($2::jsonb) as r(${TRACE_COLUMNS})
    where t.project_id = $1::uuid and t.trace_id = r.trace_id and t.trace_id = any($3::text[])`);

const SPAN_START = 'coalesce(r.started_at, r.first_seen)';
const NEW_TRACE_START = 'least(t.started_at, a.first_start)';
/** The last span end a trace's counters stand for: its start plus its latency (unless clamped). */
const TRACE_END = "coalesce(t.ended_at, greatest(t.started_at + t.latency_ms * interval '1 millisecond', a.last_end))";

/**
 * Inserts the spans (`$2` rows, `$3` how many) that do not exist and adds them to their traces'
 * counters; returns the span ids inserted (null when all were) and the traces to recount. A trace
 * without a model takes its earliest-starting span's that names one (the SDK and OpenTelemetry put
 * the model on generations), set only while it has none: the earliest of the spans stored when the
 * first of them arrived. A trace's own model, sent or updated, replaces it; RECOUNT_TRACES gives one
 * to a trace whose span was given a model by an update.
 */
export const INSERT_SPANS = statement('insert_spans', `
    with inserted as (
      insert into spans (project_id, trace_id, span_id, create_event_id, parent_span_id, type, role, name, input, output, model,
        input_tokens, output_tokens, cost, duration_ms, status, metadata, started_at, ended_at)
      select $1::uuid, r.trace_uuid, r.span_id, r.create_event_id, r.parent_span_id, coalesce(r.type, 'message'), r.role, r.name,
        r.input, r.output, r.model, r.input_tokens, r.output_tokens,
        coalesce(r.cost, ${priceOf('r.model', 'r.input_tokens', 'r.output_tokens')}),
        coalesce(r.duration_ms, ${derivedDuration(SPAN_START, 'r.ended_at')}),
        coalesce(r.status, 'ok'), coalesce(r.metadata, '{}'), ${SPAN_START}, r.ended_at
      from jsonb_to_recordset($2::jsonb) as r(${SPAN_COLUMNS})
      order by r.span_id
      on conflict (project_id, span_id) do nothing
      returning span_id, trace_id, status, model, input_tokens, output_tokens, cost, started_at,
        ${spanEnd('started_at', 'ended_at', 'duration_ms')} as ends_at
    ), added as (
      select trace_id, count(*)::int as spans, (count(*) filter (where status = 'error'))::int as errors,
        coalesce(sum(input_tokens), 0)::bigint as input_tokens, coalesce(sum(output_tokens), 0)::bigint as output_tokens,
        coalesce(sum(cost), 0) as cost, min(started_at) as first_start, max(ends_at) as last_end,
        (array_agg(model order by started_at, span_id) filter (where model is not null))[1] as model
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
        started_at = ${NEW_TRACE_START},
        latency_ms = case when ${TRACE_END} is not null then ${millisBetween(NEW_TRACE_START, TRACE_END)} end,
        status = case when a.errors > 0 then 'error' else t.status end,
        model = coalesce(t.model, a.model),
        updated_at = now()
      from added a
      where t.id = a.trace_id and t.id = any(array(select trace_id from added))
    )
    select case when (select count(*) from inserted) < $3::int then array(select span_id from inserted) end as inserted,
      array(select id from prior) as recount`);

/** The create events recorded by stored spans (`$2` span ids). */
export const CREATE_EVENTS_OF_SPANS = statement('create_events_of_spans', `
    select span_id, create_event_id from spans
    where project_id = $1::uuid and span_id = any($2::text[]) and create_event_id is not null`);

const STORED_SPAN_START = 'coalesce(r.started_at, s.started_at)';
const STORED_SPAN_END = 'coalesce(r.ended_at, s.ended_at)';

/** Applies span changes (`$2` rows, `$3` their span ids) to stored spans; returns their traces. */
export const UPDATE_SPANS = statement('update_spans', `
    update spans s set
      ${sentOrStored('s', ['parent_span_id', 'type', 'role', 'name', 'input', 'output', 'model', 'input_tokens', 'output_tokens'])},
      cost = case when r.cost is not null then r.cost
        when r.model is not null or r.input_tokens is not null or r.output_tokens is not null or s.cost is null
          then ${priceOf('coalesce(r.model, s.model)', 'coalesce(r.input_tokens, s.input_tokens)', 'coalesce(r.output_tokens, s.output_tokens)')}
        else s.cost end,
      duration_ms = case when r.duration_ms is not null then r.duration_ms
        when r.started_at is not null or r.ended_at is not null or s.duration_ms is null then ${derivedDuration(STORED_SPAN_START, STORED_SPAN_END)}
        else s.duration_ms end,
      status = coalesce(r.status, s.status),
      metadata = s.metadata || coalesce(r.metadata, '{}'),
      started_at = ${STORED_SPAN_START},
      ended_at = ${STORED_SPAN_END},
      create_event_id = coalesce(s.create_event_id, r.create_event_id)
    from jsonb_to_recordset($2::jsonb) as r(${SPAN_COLUMNS})
    where s.project_id = $1::uuid and s.span_id = r.span_id and s.span_id = any($3::text[])
    returning s.trace_id`);

/** Locks traces by our ids (`$1`), in trace-id order. */
export const LOCK_OTHER_TRACES = statement('lock_other_traces', 'select id from traces where id = any($1::uuid[]) order by trace_id for update');

const RECOUNTED_START = 'least(t.started_at, coalesce(a.first_start, t.started_at))';

/** Recounts the counters of traces (`$1`, our ids) from their spans (and gives one without a model its first span's). */
export const RECOUNT_TRACES = statement('recount_traces', `
    update traces t set
      span_count = a.span_count,
      error_count = a.error_count,
      input_tokens = a.input_tokens,
      output_tokens = a.output_tokens,
      cost = a.cost,
      started_at = ${RECOUNTED_START},
      latency_ms = case when coalesce(t.ended_at, a.last_end) is not null then ${millisBetween(RECOUNTED_START, 'coalesce(t.ended_at, a.last_end)')} end,
      status = case when a.error_count > 0 then 'error' else t.status end,
      -- Looked up only for a trace without one (coalesce stops at its first value).
      model = coalesce(t.model, (select s.model from spans s where s.trace_id = t.id and s.model is not null order by s.started_at, s.span_id limit 1)),
      updated_at = now()
    from (
      select tr.id,
        count(s.id)::int as span_count,
        (count(s.id) filter (where s.status = 'error'))::int as error_count,
        coalesce(sum(s.input_tokens), 0)::bigint as input_tokens,
        coalesce(sum(s.output_tokens), 0)::bigint as output_tokens,
        least(coalesce(sum(s.cost), 0), ${MAX_USD}) as cost,
        min(s.started_at) as first_start,
        max(${spanEnd('s.started_at', 's.ended_at', 's.duration_ms')}) as last_end
      from traces tr left join spans s on s.trace_id = tr.id
      where tr.id = any($1::uuid[])
      group by tr.id
    ) a
    where t.id = a.id`);
