// prompt-fetch benchmark (issue: prompts). GET /api/v1/prompts/:key with API-key auth, 32 connections
// for 10 s, on a project of 1,000 prompts × 20 versions — against a bare node:http server answering a
// fixed JSON body of the same size, in the same run. Targets: ratio ≥ 0.5; p99 ≤ 2 × the bare p99.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { embeddedEngineEnv, startEngine } from './_lib.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 32;
const API_KEY = `fp_proj_${'Bench000'.repeat(4)}`;

function run(url, headers) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function seed(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query("select id from projects where name = 'Bench'");
  const projectId = rows[0].id;
  await client.query(
    `insert into prompts (project_id, key, name) select $1, 'prompt-' || n, 'Prompt ' || n from generate_series(1, 1000) n`,
    [projectId],
  );
  await client.query(`
    insert into prompt_versions (prompt_id, version, template, variables, config)
    select p.id, v, 'You are assistant ' || v || ' for {{customer}}. ' || repeat('Be helpful and precise. ', 20), '{customer}', '{"model":"gpt-4o-mini","temperature":0.2}'
    from prompts p cross join generate_series(1, 20) v where p.project_id = $1`, [projectId]);
  await client.query(`
    insert into prompt_labels (prompt_id, label, version_id)
    select p.id, 'production', pv.id from prompts p join prompt_versions pv on pv.prompt_id = p.id and pv.version = 17 where p.project_id = $1`, [projectId]);
  await client.end();
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-bench-fetch-'));
const engine = await startEngine(await embeddedEngineEnv(home, API_KEY));
try {
  const state = JSON.parse(fs.readFileSync(path.join(home, 'embedded-pg.json'), 'utf8'));
  await seed(`postgres://forprompt:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/forprompt`);
  const target = `${engine.url}/api/v1/prompts/prompt-500`;
  const sample = await fetch(target, { headers: { 'x-api-key': API_KEY } });
  const body = await sample.text();
  if (sample.status !== 200) throw new Error(`engine answered ${sample.status}: ${body}`);

  const bare = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body));
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${bare.address().port}/`;

  console.log(`prompt-fetch: ${CONNECTIONS} connections × ${DURATION} s, 1,000 prompts × 20 versions, body ${Buffer.byteLength(body)} bytes`);
  await run(bareUrl, {}); // warm-up of the load generator itself is not measured separately; both get the same treatment
  const baseline = await run(bareUrl, {});
  const measured = await run(target, { 'x-api-key': API_KEY });
  bare.close();
  const errors = measured.non2xx + measured.errors;
  const ratio = measured.requests.average / baseline.requests.average;
  console.log('\n| measure | ForPrompt GET /api/v1/prompts/:key | bare node:http, same body | target |\n|---|---|---|---|');
  console.log(`| requests/s | ${measured.requests.average.toFixed(0)} | ${baseline.requests.average.toFixed(0)} | ratio ≥ 0.5 (got ${ratio.toFixed(2)}) |`);
  console.log(`| latency p50 | ${measured.latency.p50} ms | ${baseline.latency.p50} ms | |`);
  console.log(`| latency p99 | ${measured.latency.p99} ms | ${baseline.latency.p99} ms | ≤ 2 × bare (${(measured.latency.p99 / Math.max(baseline.latency.p99, 1)).toFixed(2)} ×) |`);
  console.log(`| non-2xx or errors | ${errors} | ${baseline.non2xx + baseline.errors} | 0 |`);
} finally {
  await engine.stop();
  fs.rmSync(home, { recursive: true, force: true });
}
