// SDK benchmark (issue: @forprompt/sdk). Targets: cached getPrompt + compile over 1,000,000 calls with
// p99 ≤10 µs and zero network calls; recording one span costs the caller ≤5 µs; 100,000 spans sent
// through the SDK to a local engine (time, spans/s). Baselines in the same run: a plain Map lookup +
// string replace; pushing a plain object onto an array; the same 100,000 spans posted as ready-made
// batches of 1,000 events with bare fetch (no SDK).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { embeddedEngineEnv, percentile, root, startEngine } from './_lib.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 1_000_000);
const SPANS = Number(process.env.BENCH_SPANS ?? 100_000);
const SPAN_COST_SAMPLES = 200_000;
const API_KEY = `fp_proj_${'BenchSdk'.repeat(4)}`;
const sdk = await import(pathToFileURL(path.join(root, 'sdk/dist/index.js')).href);

const us = (ms) => `${(ms * 1000).toFixed(2)} µs`;
const row = (...cells) => console.log(`| ${cells.join(' | ')} |`);

/** Per-call times (ms) of an async operation, measured one call at a time. */
async function timeCalls(count, operation) {
  const times = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await operation(index);
    times[index] = performance.now() - started;
  }
  return times;
}

function summary(times) {
  const sorted = Float64Array.from(times).sort();
  const total = times.reduce((sum, time) => sum + time, 0);
  return { mean: total / times.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

async function benchCachedPrompts(engineUrl) {
  let networkCalls = 0;
  const fetch = (input, init) => {
    networkCalls++;
    return globalThis.fetch(input, init);
  };
  const fp = new sdk.ForPrompt({ apiKey: API_KEY, baseUrl: engineUrl, fetch, cacheTtlSeconds: 3600 });
  const warm = await fp.getPrompt('support-agent');
  const callsBefore = networkCalls;
  const variables = { customer: 'Ada', product: 'ForPrompt' };
  // Warm-up of the JIT, not measured.
  for (let index = 0; index < 50_000; index++) (await fp.getPrompt('support-agent')).compile(variables);
  const measured = summary(await timeCalls(CALLS, async () => (await fp.getPrompt('support-agent')).compile(variables)));
  const networkDuringRun = networkCalls - callsBefore;

  const template = warm.template;
  const map = new Map([['support-agent', template]]);
  const replace = () => map.get('support-agent').replace('{{customer}}', variables.customer).replace('{{product}}', variables.product);
  for (let index = 0; index < 50_000; index++) replace();
  const baselineSync = summary(await timeCalls(CALLS, () => replace()));
  const baselineAwaited = summary(await timeCalls(CALLS, async () => (await Promise.resolve(map.get('support-agent'))).replace('{{customer}}', variables.customer).replace('{{product}}', variables.product)));
  return { measured, baselineSync, baselineAwaited, networkDuringRun };
}

async function benchSpanCost() {
  // Only the caller's side is timed. The queue drains between rounds (untimed) into a fetch that answers
  // 207 at once, so it stays as small as in a running application.
  const accept = async () => new Response('{"results":[]}', { status: 207, headers: { 'content-type': 'application/json' } });
  const fp = new sdk.ForPrompt({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:9', fetch: accept, flushIntervalMs: 3_600_000 });
  const trace = fp.trace({ name: 'span cost', promptKey: 'support-agent', version: 1 });
  const record = (index) => trace.generation({ name: 'answer', model: 'gpt-4o-mini', input: 'How do I reset my password?', output: `Step ${index}: open settings`, usage: { inputTokens: 12, outputTokens: 30 }, durationMs: 840 });
  const ROUND = 1_000;
  for (let round = 0; round < 20; round++) {
    for (let index = 0; index < ROUND; index++) record(index);
    await fp.flush();
  }
  const times = new Float64Array(SPAN_COST_SAMPLES);
  let loopMs = 0;
  for (let round = 0; round < SPAN_COST_SAMPLES / ROUND; round++) {
    const started = performance.now();
    for (let index = round * ROUND; index < (round + 1) * ROUND; index++) {
      const before = performance.now();
      record(index);
      times[index] = performance.now() - before;
    }
    loopMs += performance.now() - started;
    await fp.flush();
  }

  const events = [];
  const baselineTimes = new Float64Array(SPAN_COST_SAMPLES);
  for (let index = 0; index < SPAN_COST_SAMPLES; index++) {
    if (index % ROUND === 0) events.length = 0;
    const before = performance.now();
    events.push({ type: 'span-create', body: { name: 'answer', model: 'gpt-4o-mini', input: 'How do I reset my password?', output: `Step ${index}: open settings` } });
    baselineTimes[index] = performance.now() - before;
  }
  const stats = await fp.shutdown();
  return { measured: summary(times), throughputMean: loopMs / SPAN_COST_SAMPLES, baseline: summary(baselineTimes), stats };
}

async function benchDelivery(engineUrl) {
  const fp = new sdk.ForPrompt({ apiKey: API_KEY, baseUrl: engineUrl, maxQueueSize: SPANS * 2 });
  const spansPerTrace = 100;
  const started = performance.now();
  for (let traceIndex = 0; traceIndex < SPANS / spansPerTrace; traceIndex++) {
    const trace = fp.trace({ name: `delivery ${traceIndex}`, promptKey: 'support-agent', version: 1 });
    for (let index = 0; index < spansPerTrace; index++) trace.span({ name: `step ${index}`, input: { index }, output: 'ok' });
    // An application records between other work: let the queue's sends interleave.
    if (traceIndex % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }
  const recordedMs = performance.now() - started;
  const stats = await fp.flush();
  const totalMs = performance.now() - started;

  // Baseline: the same number of span events, serialised up front, posted 1,000 per request with bare fetch.
  const batches = [];
  for (let batchIndex = 0; batchIndex < SPANS / 1_000; batchIndex++) {
    const traceId = `baseline-${batchIndex}`;
    const batch = Array.from({ length: 1_000 }, (_, index) => ({ id: crypto.randomUUID(), timestamp: new Date().toISOString(), type: 'span-create', body: { id: crypto.randomUUID(), traceId, name: `step ${index}`, input: { index }, output: 'ok' } }));
    batches.push(JSON.stringify({ batch }));
  }
  const baselineStarted = performance.now();
  for (const body of batches) {
    const response = await fetch(`${engineUrl}/api/v1/ingest`, { method: 'POST', headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' }, body });
    if (response.status !== 207) throw new Error(`baseline ingest answered ${response.status}`);
    await response.arrayBuffer();
  }
  const baselineMs = performance.now() - baselineStarted;
  return { stats, recordedMs, totalMs, baselineMs };
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-bench-sdk-'));
const engine = await startEngine({ ...(await embeddedEngineEnv(home, API_KEY)), API_RATE_LIMIT_WRITES_PER_MINUTE: '1000000' });
try {
  const saved = await fetch(`${engine.url}/api/v1/prompts`, {
    method: 'POST',
    headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'support-agent', template: `You are the support agent of {{product}}. Greet {{customer}} by name. ${'Be helpful and precise. '.repeat(20)}`, labels: ['production'] }),
  });
  if (!saved.ok) throw new Error(`creating the prompt failed: ${saved.status} ${await saved.text()}`);

  console.log(`sdk: Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'})\n`);
  const prompts = await benchCachedPrompts(engine.url);
  console.log(`Cached getPrompt + compile, ${CALLS.toLocaleString('en')} calls (each timed):\n`);
  row('measure', 'getPrompt + compile (SDK)', 'Map.get + 2× replace', 'await + Map.get + 2× replace', 'target');
  row('---', '---', '---', '---', '---');
  row('mean', us(prompts.measured.mean), us(prompts.baselineSync.mean), us(prompts.baselineAwaited.mean), '');
  row('p50', us(prompts.measured.p50), us(prompts.baselineSync.p50), us(prompts.baselineAwaited.p50), '');
  row('p99', us(prompts.measured.p99), us(prompts.baselineSync.p99), us(prompts.baselineAwaited.p99), `≤ 10 µs (${prompts.measured.p99 * 1000 <= 10 ? 'met' : 'MISSED'})`);
  row('max', us(prompts.measured.max), us(prompts.baselineSync.max), us(prompts.baselineAwaited.max), '');
  row('network calls during the run', String(prompts.networkDuringRun), '—', '—', `0 (${prompts.networkDuringRun === 0 ? 'met' : 'MISSED'})`);

  const spans = await benchSpanCost();
  console.log(`\nCost on the caller of recording one span (trace.generation), ${SPAN_COST_SAMPLES.toLocaleString('en')} spans:\n`);
  row('measure', 'trace.generation(…) (SDK)', 'array.push of a plain object', 'target');
  row('---', '---', '---', '---');
  row('mean (timed loop / spans)', us(spans.throughputMean), us(spans.baseline.mean), `≤ 5 µs (${spans.throughputMean * 1000 <= 5 ? 'met' : 'MISSED'})`);
  row('p50', us(spans.measured.p50), us(spans.baseline.p50), '');
  row('p99', us(spans.measured.p99), us(spans.baseline.p99), '');

  const delivery = await benchDelivery(engine.url);
  const sent = delivery.stats.sent;
  console.log(`\n${SPANS.toLocaleString('en')} spans (in ${SPANS / 100} traces) sent through the SDK to the local engine (embedded PostgreSQL):\n`);
  row('measure', 'SDK (record, batch, send, flush)', 'bare fetch, 1,000-event batches prepared up front');
  row('---', '---', '---');
  row('time', `${(delivery.totalMs / 1000).toFixed(2)} s (recording took ${(delivery.recordedMs / 1000).toFixed(2)} s of it)`, `${(delivery.baselineMs / 1000).toFixed(2)} s`);
  row('spans/s', `${Math.round(SPANS / (delivery.totalMs / 1000)).toLocaleString('en')}`, `${Math.round(SPANS / (delivery.baselineMs / 1000)).toLocaleString('en')}`);
  row('events accepted / refused / dropped', `${sent} / ${delivery.stats.refused} / ${delivery.stats.dropped} (of ${SPANS + SPANS / 100})`, '');
} finally {
  await engine.stop();
  fs.rmSync(home, { recursive: true, force: true });
}
