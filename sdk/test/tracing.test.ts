import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, ForPrompt, type ForPromptOptions } from '../src/index.js';
import { findFreePort } from '../../engine/test/helpers/engine-process.js';
import { savePrompt, startTestEngine, type TestEngine } from './helpers/engine.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';

interface StoredSpan {
  spanId: string;
  parentSpanId: string | null;
  type: string;
  role: string | null;
  name: string | null;
  input: unknown;
  output: unknown;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
}
interface StoredTrace {
  traceId: string;
  promptKey: string | null;
  promptVersion: number | null;
  status: string;
  spanCount: number;
  userId: string | null;
  input: unknown;
  output: unknown;
  spans: StoredSpan[];
}

/** Batched tracing into a real engine's /api/v1/ingest, read back from /api/v1/traces. */
describe('tracing through the SDK', () => {
  let engine: TestEngine;
  let proxy: FaultProxy;
  const warnings: string[] = [];
  const client = (options: ForPromptOptions = {}) =>
    new ForPrompt({ apiKey: engine.apiKey, baseUrl: proxy.url, logger: { warn: (message) => warnings.push(message) }, ...options });
  const ingestRequests = () => proxy.requests.filter((request) => request.path === '/api/v1/ingest');
  const storedTrace = async (traceId: string): Promise<StoredTrace | null> => {
    const response = await engine.call(`/api/v1/traces/${encodeURIComponent(traceId)}`);
    return response.status === 404 ? null : ((await response.json()) as StoredTrace);
  };

  beforeAll(async () => {
    engine = await startTestEngine();
    proxy = await startFaultProxy(engine.url);
    await savePrompt(engine, { key: 'agent', template: 'You are {{role}}.', labels: ['production'] });
  });
  afterEach(() => {
    proxy.requests.length = 0;
    warnings.length = 0;
  });
  afterAll(async () => {
    await proxy?.close();
    await engine?.dispose();
  });

  it('delivers every event exactly once through dropped connections, lost answers, errors, 429s and timeouts', async () => {
    proxy.inject(
      '/api/v1/ingest',
      { kind: 'reset' },
      { kind: 'delay', ms: 1_500 },
      { kind: 'reset-after-forward' },
      { kind: 'status', status: 500, headers: { 'retry-after-ms': '20' } },
      { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
    );
    const fp = client({ flushAt: 100, timeoutMs: 500, maxRetries: 5 });
    const prompt = await fp.getPrompt('agent');
    const traceIds: string[] = [];
    for (let index = 0; index < 20; index++) {
      const trace = fp.trace({ prompt, userId: `user-${index}`, input: { question: index } });
      const generation = trace.generation({ name: 'answer', model: 'gpt-4o-mini', input: `question ${index}`, output: `answer ${index}`, usage: { prompt_tokens: 10, completion_tokens: 5 }, durationMs: 12 });
      generation.toolCall({ name: 'lookup', input: { id: index }, output: { found: true } });
      trace.span({ role: 'user', input: `thanks ${index}` });
      trace.end({ output: { answer: index } });
      traceIds.push(trace.id);
    }
    const stats = await fp.flush();
    expect(stats).toMatchObject({ queued: 0, sent: 100, refused: 0, dropped: 0 });
    expect(proxy.pending()).toBe(0);
    // The batch reached the engine three times (the delayed one, the lost answer, the success): applied once.
    expect(ingestRequests().map((request) => request.outcome)).toEqual(['reset', 'delay', 'reset-after-forward', 'status', 'status', 'pass']);

    const listed = (await (await engine.call('/api/v1/traces?limit=200&promptKey=agent')).json()) as { traces: StoredTrace[] };
    expect(listed.traces.map((trace) => trace.traceId).sort()).toEqual([...traceIds].sort());
    for (const trace of listed.traces) expect(trace).toMatchObject({ spanCount: 3, status: 'completed', promptVersion: 1 });
    const detail = (await storedTrace(traceIds[7]!))!;
    expect(detail).toMatchObject({ userId: 'user-7', input: { question: 7 }, output: { answer: 7 } });
    const generation = detail.spans.find((span) => span.type === 'llm_call')!;
    expect(generation).toMatchObject({ name: 'answer', model: 'gpt-4o-mini', inputTokens: 10, outputTokens: 5, input: 'question 7' });
    expect(detail.spans.find((span) => span.type === 'tool_call')).toMatchObject({ name: 'lookup', parentSpanId: generation.spanId });
    expect(detail.spans.find((span) => span.type === 'message')).toMatchObject({ role: 'user', parentSpanId: null });
  });

  it('sends on its own: at flushAt events, and flushIntervalMs after the first event', async () => {
    const byCount = client({ flushAt: 10, flushIntervalMs: 60_000 });
    const counted = byCount.trace({ name: 'by-count' });
    for (let index = 0; index < 9; index++) counted.span({ name: `step ${index}` });
    await expect.poll(() => storedTrace(counted.id).then((trace) => trace?.spanCount)).toBe(9);

    const byTime = client({ flushAt: 1_000, flushIntervalMs: 200 });
    const timed = byTime.trace({ name: 'by-time' });
    timed.span({ name: 'only step' });
    await expect.poll(() => storedTrace(timed.id).then((trace) => trace?.spanCount), { timeout: 3_000 }).toBe(1);
  });

  it('flushes on shutdown', async () => {
    const fp = client({ flushAt: 1_000, flushIntervalMs: 60_000 });
    const trace = fp.trace({ name: 'last words' });
    trace.span({ role: 'assistant', output: 'goodbye' });
    trace.end();
    expect(ingestRequests()).toHaveLength(0);
    const stats = await fp.shutdown();
    expect(stats).toMatchObject({ queued: 0, sent: 3 });
    expect((await storedTrace(trace.id))?.status).toBe('completed');
  });

  it('reports events the engine refuses once, and never sends them again', async () => {
    const fp = client({ flushAt: 1_000 });
    const valid = fp.trace({ name: 'valid' });
    fp.trace({ name: 'too many tags', tags: Array.from({ length: 60 }, (_, index) => `tag-${index}`) });
    valid.span({ name: 'fine' });
    expect(await fp.flush()).toMatchObject({ sent: 2, refused: 1, queued: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/refused 1 tracing event\(s\) as invalid; they are not retried.*tags/);
    expect(await fp.flush()).toMatchObject({ sent: 2, refused: 1 });
    expect(ingestRequests()).toHaveLength(1);
    expect(await storedTrace(valid.id)).toMatchObject({ spanCount: 1 });
  });

  it('keeps at most maxQueueSize events while the engine is unreachable, dropping the oldest with one warning', async () => {
    const closedPort = await findFreePort();
    const fp = new ForPrompt({ apiKey: engine.apiKey, baseUrl: `http://127.0.0.1:${closedPort}`, maxRetries: 0, flushAt: 10, maxQueueSize: 20, logger: { warn: (message) => warnings.push(message) } });
    const trace = fp.trace({ name: 'unreachable' });
    for (let index = 0; index < 49; index++) trace.span({ name: `step ${index}` });
    expect(await fp.flush()).toMatchObject({ queued: 20, dropped: 30, sent: 0 });
    expect(warnings.filter((warning) => warning.includes('queue full'))).toHaveLength(1);
    await fp.shutdown();
  });

  it('never throws into the application, even when misconfigured', async () => {
    const fp = new ForPrompt({ baseUrl: 'not a url', logger: { warn: (message) => warnings.push(message) } });
    expect(() => fp.trace({ name: 'x' }).generation({ model: 'm' }).end()).not.toThrow();
    expect(warnings).toEqual([expect.stringContaining('Tracing is off: baseUrl "not a url" is not a valid URL')]);
    await expect(fp.flush()).resolves.toMatchObject({ sent: 0 });
    const noKey = new ForPrompt({ baseUrl: proxy.url, logger: { warn: (message) => warnings.push(message) } });
    noKey.trace({ name: 'no key' });
    await expect(noKey.flush()).resolves.toMatchObject({ refused: 1 });
    expect(warnings.at(-1)).toMatch(/No ForPrompt API key/);
  });

  it('redacts PII before events leave the process', async () => {
    const fp = client({ redact: { custom: [{ name: 'order', pattern: /ORD-\d{6}/ }] } });
    const trace = fp.trace({ name: 'pii', metadata: { contact: 'ada@example.com' } });
    trace.span({ role: 'user', input: { text: 'Mail ada@example.com or call +1 415 555 2671 about ORD-123456, card 4111 1111 1111 1111' } });
    // A flush sends once; a batch the engine could not take in time (a busy machine) stays queued for the retry.
    await expect.poll(async () => (await fp.flush()).queued, { timeout: 20_000 }).toBe(0);
    expect(await fp.flush()).toMatchObject({ refused: 0, dropped: 0 });
    const stored = (await storedTrace(trace.id))!;
    expect(stored, `trace ${trace.id} after ${JSON.stringify(ingestRequests().map((request) => request.outcome))}`).not.toBeNull();
    expect(stored.spans[0]!.input).toEqual({ text: 'Mail [EMAIL_REDACTED] or call [PHONE_REDACTED] about [ORDER_REDACTED], card [CC_REDACTED]' });
    expect(JSON.stringify(stored)).not.toContain('ada@example.com');
  });

  it("keeps the original SDK's logger working on the new tracing", async () => {
    const logger = createLogger({ apiKey: engine.apiKey, baseUrl: `${proxy.url}/api`, source: 'legacy-app' });
    const traceId = logger.startTrace('agent', { versionNumber: 1 });
    expect(logger.isTracing()).toBe(true);
    await logger.log({ role: 'user', content: 'Hello' });
    await logger.log({ role: 'assistant', content: 'Hi! How can I help?', model: 'gpt-4o', tokens: { input: 3, output: 7 } });
    await logger.endTrace();
    expect(logger.getTraceId()).toBeNull();
    const { traceId: requestTraceId } = await logger.logRequest({ promptKey: 'agent', input: 'How do I learn Python?', output: 'Here are 5 steps', tokens: { input: 6, output: 4 } });
    await logger.flush();

    const conversation = (await storedTrace(traceId))!;
    expect(conversation).toMatchObject({ promptKey: 'agent', promptVersion: 1, status: 'completed', spanCount: 2 });
    const spans = [...conversation.spans].sort((a, b) => String(b.role).localeCompare(String(a.role)));
    expect(spans.map((span) => [span.role, span.input ?? span.output])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Hi! How can I help?'],
    ]);
    expect(spans[1]).toMatchObject({ model: 'gpt-4o', inputTokens: 3, outputTokens: 7 });
    expect(await storedTrace(requestTraceId)).toMatchObject({ spanCount: 2, input: 'How do I learn Python?', output: 'Here are 5 steps' });
  });
});
