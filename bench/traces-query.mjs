// Trace query benchmark (issue 7). With 1,000,000 spans in 100,000 traces (seed-traces.mjs), through the
// public API: the trace list's first page and a filtered page (prompt key and status) p95 ≤50 ms, trace
// detail p95 ≤20 ms. Baseline in the same run: GET /healthz (the HTTP path without the database).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { embeddedDatabaseUrl, embeddedEngineEnv, percentile, startEngine } from './_lib.mjs';
import { seedTraces } from './seed-traces.mjs';

const TRACES = Number(process.env.BENCH_TRACES ?? 100_000);
const SPANS_PER_TRACE = 10;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const API_KEY = `fp_proj_${'BenchQry'.repeat(4)}`;

async function timeRequests(url, pathFor) {
  const times = [];
  for (let index = 0; index < REQUESTS + 20; index++) {
    const started = performance.now();
    const response = await fetch(`${url}${pathFor(index)}`, { headers: { 'x-api-key': API_KEY } });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`${pathFor(index)} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    if (index >= 20) times.push(performance.now() - started); // the first 20 warm up
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-bench-traces-'));
const engine = await startEngine({ ...(await embeddedEngineEnv(home, API_KEY)), API_RATE_LIMIT_READS_PER_MINUTE: '100000000' }).catch((error) => {
  fs.rmSync(home, { recursive: true, force: true });
  throw error;
});
const client = new pg.Client({ connectionString: embeddedDatabaseUrl(home) });
try {
  await client.connect();
  const projectId = (await client.query('select id from projects limit 1')).rows[0].id;
  const seedStarted = performance.now();
  const spans = await seedTraces(client, projectId, { traces: TRACES, spansPerTrace: SPANS_PER_TRACE, onStep: (name, ms) => console.log(`  seed: ${name} (${(ms / 1000).toFixed(1)} s)`) });
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const firstPage = await timeRequests(engine.url, () => '/api/v1/traces?limit=50');
  const filtered = await timeRequests(engine.url, (index) => `/api/v1/traces?limit=50&promptKey=prompt-${index % 20}&status=error`);
  const detail = await timeRequests(engine.url, (index) => `/api/v1/traces/seed-${1 + ((index * 7919) % TRACES)}`);
  // Full-text: a word in every span ("ok"), and one in a single trace and its spans (its number).
  const commonWord = await timeRequests(engine.url, () => '/api/v1/traces?limit=50&search=ok');
  const rareWord = await timeRequests(engine.url, (index) => `/api/v1/traces?limit=50&search=${1 + ((index * 7919) % TRACES)}`);
  const health = await timeRequests(engine.url, () => '/healthz');

  const row = (...cells) => console.log(`| ${cells.join(' | ')} |`);
  const verdict = (p95, target) => `≤ ${target} ms (${p95 <= target ? 'met' : `MISSED by ${(p95 - target).toFixed(1)} ms`})`;
  console.log(`\nSeeded ${spans.toLocaleString('en')} spans in ${TRACES.toLocaleString('en')} traces in ${seedSeconds.toFixed(1)} s (set-based INSERT … SELECT generate_series).`);
  console.log(`\n${REQUESTS} requests each, one at a time, public API with an API key, embedded PostgreSQL:\n`);
  row('request', 'p50', 'p95', 'target (p95)');
  row('---', '---', '---', '---');
  row('GET /api/v1/traces (first page, 50)', `${firstPage.p50.toFixed(1)} ms`, `${firstPage.p95.toFixed(1)} ms`, verdict(firstPage.p95, 50));
  row('GET /api/v1/traces?promptKey=…&status=error', `${filtered.p50.toFixed(1)} ms`, `${filtered.p95.toFixed(1)} ms`, verdict(filtered.p95, 50));
  row('GET /api/v1/traces/:traceId (10 spans)', `${detail.p50.toFixed(1)} ms`, `${detail.p95.toFixed(1)} ms`, verdict(detail.p95, 20));
  row('GET /api/v1/traces?search=<word in every span>', `${commonWord.p50.toFixed(1)} ms`, `${commonWord.p95.toFixed(1)} ms`, '');
  row('GET /api/v1/traces?search=<word in one trace>', `${rareWord.p50.toFixed(1)} ms`, `${rareWord.p95.toFixed(1)} ms`, '');
  row('baseline: GET /healthz (no database)', `${health.p50.toFixed(1)} ms`, `${health.p95.toFixed(1)} ms`, '');
} finally {
  await client.end().catch(() => {});
  await engine.stop();
  fs.rmSync(home, { recursive: true, force: true });
}
