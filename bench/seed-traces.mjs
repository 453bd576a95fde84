// Seeds a project with traces and spans for the query benchmarks (issue 7), set-based: two
// INSERT … SELECT over generate_series, in one transaction — 1,000,000 spans in 100,000 traces by default.
// The tables' secondary indexes are dropped and rebuilt in that same transaction: building an index
// once over a million rows is many times faster than growing it row by row (the GIN search indexes
// most), and as DDL is transactional an interrupted seed leaves the schema as it was.
// It prints the time of each step (about 25 s in all on a busy 2-CPU machine).
//
// Alone: DATABASE_URL=postgres://… node bench/seed-traces.mjs [--project <uuid>] [--traces 100000] [--spans-per-trace 10]
// (the project defaults to the database's first). `traces-query.mjs` imports seedTraces().
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

export const PROMPT_KEYS = 20;

/** The secondary indexes of traces and spans (not those behind constraints), to rebuild after the load. */
async function secondaryIndexes(client) {
  const { rows } = await client.query(
    `select i.indexname as name, i.indexdef as definition from pg_indexes i
     where i.schemaname = current_schema() and i.tablename in ('traces', 'spans')
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  return rows;
}

/**
 * Traces `seed-<n>` over the last 30 days: prompt `prompt-<n % 20>` versions 1–3, four models, one in
 * 23 an error (23 and 20 coprime: every prompt has errors), 2% still active; each with `spansPerTrace` spans (an LLM call every third) whose tokens,
 * cost and durations the trace's counters sum.
 */
export async function seedTraces(client, projectId, { traces = 100_000, spansPerTrace = 10, onStep = () => {} } = {}) {
  let stepStarted = performance.now();
  const step = (name) => {
    onStep(name, performance.now() - stepStarted);
    stepStarted = performance.now();
  };
  await client.query('begin');
  await client.query(`set local maintenance_work_mem = '256MB'`);
  // The rows refer to each other by construction: a superuser skips the row-by-row foreign-key
  // triggers (a million lookups) for this transaction only.
  const { rows: role } = await client.query('select rolsuper from pg_roles where rolname = current_user');
  if (role[0]?.rolsuper) await client.query(`set local session_replication_role = replica`);
  const indexes = await secondaryIndexes(client);
  for (const index of indexes) await client.query(`drop index "${index.name}"`);
  await client.query(
    `insert into traces (project_id, trace_id, name, prompt_key, version_number, model, source, status, user_id, session_id, tags,
                         input, output, span_count, error_count, input_tokens, output_tokens, cost, latency_ms, started_at, ended_at)
     select $1, 'seed-' || g, 'request ' || g, 'prompt-' || (g % ${PROMPT_KEYS}), 1 + g % 3,
            (array['gpt-4o-mini', 'gpt-4o', 'claude-3-5-sonnet', 'llama-3-70b'])[1 + g % 4], 'bench',
            (case when g % 23 = 0 then 'error' when g % 50 = 1 then 'active' else 'completed' end)::trace_status,
            'user-' || (g % 5000), 'session-' || (g / 4), array['bench', 'tier-' || (g % 3)],
            jsonb_build_object('question', 'How do I reset my password? #' || g), to_jsonb('Open settings, then security. #' || g),
            $3::int, (g % 23 = 0)::int, 12 * $3::int, 30 * $3::int, 0.0004 * $3::int, 200 + g % 3000,
            started, started + ((200 + g % 3000) * interval '1 millisecond')
     from generate_series(1, $2::int) g, lateral (select now() - (g * (interval '30 days' / $2::int)) as started) s`,
    [projectId, traces, spansPerTrace],
  );
  const inserted = await client.query(
    `insert into spans (trace_id, project_id, span_id, parent_span_id, type, role, name, content, input, output, model,
                        input_tokens, output_tokens, cost, duration_ms, status, started_at, ended_at)
     select t.id, t.project_id, t.trace_id || '-' || n, case when n > 1 then t.trace_id || '-1' end,
            (case when n % 3 = 0 then 'llm_call' else 'message' end)::span_type,
            (case when n % 2 = 0 then 'assistant' else 'user' end)::span_role,
            'step ' || n, 'Message ' || n || ' of ' || t.trace_id, jsonb_build_object('index', n), to_jsonb('ok ' || n),
            case when n % 3 = 0 then t.model end, 12, 30, 0.0004, 20 + n,
            (case when t.error_count > 0 and n = $2::int then 'error' else 'ok' end)::span_status,
            t.started_at + (n * interval '10 milliseconds'), t.started_at + (n * interval '10 milliseconds') + ((20 + n) * interval '1 millisecond')
     from traces t, generate_series(1, $2::int) n
     where t.project_id = $1 and t.source = 'bench' and t.trace_id like 'seed-%'`,
    [projectId, spansPerTrace],
  );
  step(`${inserted.rowCount.toLocaleString('en')} spans inserted`);
  for (const index of indexes) await client.query(index.definition);
  step(`${indexes.length} indexes rebuilt`);
  await client.query('commit');
  await client.query('analyze traces');
  await client.query('analyze spans');
  step('committed and analysed');
  return inserted.rowCount;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { project: { type: 'string' }, traces: { type: 'string' }, 'spans-per-trace': { type: 'string' } } });
  if (!process.env.DATABASE_URL) {
    console.error('Set DATABASE_URL to the engine database (migrated), e.g. postgres://postgres@127.0.0.1:5432/forprompt');
    process.exit(2);
  }
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const projectId = values.project ?? (await client.query('select id from projects order by created_at limit 1')).rows[0]?.id;
    if (!projectId) throw new Error('The database has no project: start the engine once with FORPROMPT_INIT_* or create one');
    const started = performance.now();
    const onStep = (name, ms) => console.log(`  ${name} (${(ms / 1000).toFixed(1)} s)`);
    const spans = await seedTraces(client, projectId, { traces: Number(values.traces ?? 100_000), spansPerTrace: Number(values['spans-per-trace'] ?? 10), onStep });
    console.log(`Seeded ${spans.toLocaleString('en')} spans in ${((performance.now() - started) / 1000).toFixed(1)} s into project ${projectId}.`);
  } finally {
    await client.end();
  }
}
