// Ingestion benchmark (issue 7). Target: spans/s end to end through POST /api/v1/ingest (batches of 100
// span-create events, 4 concurrent senders, each answered only once committed) ≥0.5× raw `COPY` of the
// same rows into the same spans table in the same run; acknowledgement p99 ≤50 ms at that load.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { copyFrom, copyValue, embeddedDatabaseUrl, embeddedEngineEnv, percentile, processTree, startEngine } from './_lib.mjs';

const SPANS = Number(process.env.BENCH_SPANS ?? 100_000);
const BATCH = 100;
const SENDERS = 4;
const WARMUP_BATCHES = 40;
const API_KEY = `fp_proj_${'BenchIng'.repeat(4)}`;

/** The rows of one batch: a trace of 100 spans, as the SDK would send them. */
function batchSpans(batchIndex) {
  const traceId = `bench-trace-${batchIndex}-${randomUUID()}`;
  const startedAt = new Date().toISOString();
  return Array.from({ length: BATCH }, (_, index) => ({
    id: randomUUID(),
    traceId,
    name: `step ${index}`,
    model: 'gpt-4o-mini',
    input: { question: 'How do I reset my password?', index },
    output: `Step ${index}: open settings`,
    durationMs: 120 + index,
    startTime: startedAt,
  }));
}

/**
 * Sends the batches from 4 senders over keep-alive connections (node:http: the load generator should
 * spend as little of the machine's CPU as it can; the bodies are serialised before the clock starts).
 */
async function sendBatches(url, batches) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  const bodies = batches.map((spans) => JSON.stringify({ batch: spans.map((span) => ({ id: `evt-${span.id}`, timestamp: span.startTime, type: 'span-create', body: span })) }));
  const post = (body) =>
    new Promise((resolve, reject) => {
      const request = http.request(
        { agent, hostname, port, path: '/api/v1/ingest', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': API_KEY } },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const latencies = [];
  let next = 0;
  const sender = async () => {
    for (let index = next++; index < bodies.length; index = next++) {
      const started = performance.now();
      const response = await post(bodies[index]);
      latencies.push(performance.now() - started);
      // Every event must come back 201 (applied), none 200 (duplicate) or 400.
      if (response.status !== 207 || (response.text.match(/"status":201\b/g) ?? []).length !== BATCH) {
        throw new Error(`batch ${index} answered ${response.status}: ${response.text.slice(0, 300)}`);
      }
    }
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: SENDERS }, sender));
  const totalMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return { totalMs, latencies, clientCpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** The same rows written by COPY: the traces, then their spans, in one transaction. */
async function copyBatches(client, projectId, batches) {
  const started = performance.now();
  await client.query('begin');
  const traceRows = [];
  const spanRows = [];
  for (const spans of batches) {
    const traceUuid = randomUUID();
    traceRows.push([traceUuid, projectId, spans[0].traceId, spans[0].startTime].map(copyValue).join('\t'));
    for (const span of spans) {
      spanRows.push(
        [traceUuid, projectId, span.id, 'llm_call', span.name, span.model, JSON.stringify(span.input), JSON.stringify(span.output), span.durationMs, span.startTime]
          .map(copyValue)
          .join('\t'),
      );
    }
  }
  await copyFrom(client, 'copy traces (id, project_id, trace_id, started_at) from stdin', `${traceRows.join('\n')}\n`);
  const copied = await copyFrom(client, 'copy spans (trace_id, project_id, span_id, type, name, model, input, output, duration_ms, started_at) from stdin', `${spanRows.join('\n')}\n`);
  await client.query('commit');
  if (copied !== batches.length * BATCH) throw new Error(`COPY wrote ${copied} rows`);
  return performance.now() - started;
}

/** CPU seconds used so far by the engine's Node process and by its PostgreSQL processes, from /proc. */
function cpuSeconds(enginePid) {
  const used = { engine: 0, engineSystem: 0, postgres: 0 };
  for (const pid of processTree(enginePid)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
      used[pid === enginePid ? 'engine' : 'postgres'] += seconds;
      if (pid === enginePid) used.engineSystem += Number(fields[12]) / 100;
    } catch {
      // Exited meanwhile.
    }
  }
  return used;
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-bench-ingest-'));
// The per-key write limit is lifted: the benchmark measures the write path, not the rate limiter.
const engine = await startEngine({ ...(await embeddedEngineEnv(home, API_KEY)), API_RATE_LIMIT_WRITES_PER_MINUTE: '100000000' }).catch((error) => {
  fs.rmSync(home, { recursive: true, force: true });
  throw error;
});
const client = new pg.Client({ connectionString: embeddedDatabaseUrl(home) });
try {
  await client.connect();
  // The key's project (the engine also keeps a built-in project of its own).
  const keyHash = createHash('sha256').update(API_KEY).digest('hex');
  const { rows } = await client.query('select project_id from project_api_keys where key_hash = $1', [keyHash]);
  const projectId = rows[0].project_id;
  const batchCount = Math.ceil(SPANS / BATCH);

  await sendBatches(engine.url, Array.from({ length: WARMUP_BATCHES }, (_, index) => batchSpans(-1 - index)));
  // Other work on the machine shows in the latencies: the load average before the run says how much there was.
  const loadBefore = os.loadavg()[0];
  const cpuBefore = cpuSeconds(engine.pid);
  const measured = await sendBatches(engine.url, Array.from({ length: batchCount }, (_, index) => batchSpans(index)));
  const cpuAfter = cpuSeconds(engine.pid);
  const copyMs = await copyBatches(client, projectId, Array.from({ length: batchCount }, (_, index) => batchSpans(batchCount + index)));
  const { rows: counted } = await client.query('select count(*)::int as spans from spans where project_id = $1', [projectId]);

  const ingestRate = (batchCount * BATCH) / (measured.totalMs / 1000);
  const copyRate = (batchCount * BATCH) / (copyMs / 1000);
  const ratio = ingestRate / copyRate;
  const p50 = percentile(measured.latencies, 50);
  const p99 = percentile(measured.latencies, 99);
  if (process.env.BENCH_DEBUG) console.log("slowest", [...measured.latencies].sort((a, b) => b - a).slice(0, 12).map((v) => v.toFixed(0)).join(" "));
  const row = (...cells) => console.log(`| ${cells.join(' | ')} |`);
  console.log(`\n${(batchCount * BATCH).toLocaleString('en')} spans (${batchCount} batches of ${BATCH} span-create events, ${SENDERS} concurrent senders), embedded PostgreSQL:\n`);
  row('measure', 'POST /api/v1/ingest (207 = committed)', 'raw COPY of the same rows (one transaction)', 'target');
  row('---', '---', '---', '---');
  row('spans/s', Math.round(ingestRate).toLocaleString('en'), Math.round(copyRate).toLocaleString('en'), '');
  row('ratio ingest / COPY', ratio.toFixed(2), '', `≥ 0.5 (${ratio >= 0.5 ? 'met' : 'MISSED'})`);
  row('ack latency p50', `${p50.toFixed(1)} ms`, '', '');
  row('ack latency p99', `${p99.toFixed(1)} ms`, '', `≤ 50 ms (${p99 <= 50 ? 'met' : 'MISSED'})`);
  console.log(
    `\nCPU during the ingest run (${(measured.totalMs / 1000).toFixed(1)} s): engine ${(cpuAfter.engine - cpuBefore.engine).toFixed(1)} s ` +
      `(${(cpuAfter.engineSystem - cpuBefore.engineSystem).toFixed(1)} s of it in the kernel), ` +
      `PostgreSQL ${(cpuAfter.postgres - cpuBefore.postgres).toFixed(1)} s, the benchmark's senders ${measured.clientCpuSeconds.toFixed(1)} s, on ${os.cpus().length} CPUs (load average ${loadBefore.toFixed(1)} before the run, ${os.loadavg()[0].toFixed(1)} after).`,
  );
  console.log(`\nRows in spans afterwards: ${counted[0].spans.toLocaleString('en')} (warm-up ${WARMUP_BATCHES * BATCH}, ingest and COPY ${batchCount * BATCH} each).`);
} finally {
  await client.end().catch(() => {});
  await engine.stop();
  fs.rmSync(home, { recursive: true, force: true });
}
