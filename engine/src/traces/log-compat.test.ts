import { describe, expect, it } from 'vitest';
import { servedAppWithTwoProjects } from '../../test/helpers/app.js';

interface CompatTrace {
  traceId: string;
  promptKey: string | null;
  versionNumber: number | null;
  model: string | null;
  source: string | null;
  status: string;
  spanCount: number;
  inputTokens: number;
  outputTokens: number;
  createdAt: number;
}
interface CompatSpan {
  spanId: string;
  type: string;
  role: string | null;
  content: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  durationMs: number | null;
  metadata: string | null;
}

/** The original SDK's logging calls, unchanged: X-API-Key, one span per request, `{ error }` errors. */
describe("the original API's logging: POST /api/log, GET /api/logs, GET /api/logs/:traceId", () => {
  const app = servedAppWithTwoProjects({ a: 'compat logs a', b: 'compat logs b' });
  const keys = app.keys;

  const call = async <T>(path: string, init: { key?: 'a' | 'b'; body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${app.url}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { 'x-api-key': keys[init.key ?? 'a'], 'content-type': 'application/json', ...init.headers },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  it('logs a conversation span by span, creating the trace with the first, and reads it back with its messages', async () => {
    const first = await call<{ spanId: string; traceId: string }>('/api/log', {
      body: { traceId: 'conv-1', promptKey: 'support.reply', versionNumber: 2, type: 'message', role: 'user', content: 'Where is my order?', source: 'production' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ spanId: expect.any(String), traceId: 'conv-1' });
    const second = await call('/api/log', {
      body: {
        traceId: 'conv-1',
        promptKey: 'support.reply',
        versionNumber: 2,
        type: 'llm_call',
        role: 'assistant',
        content: 'It ships tomorrow.',
        model: 'gpt-4o-mini',
        inputTokens: 30,
        outputTokens: 8,
        durationMs: 420,
        metadata: JSON.stringify({ channel: 'chat' }),
      },
    });
    expect(second.status).toBe(200);

    const list = await call<{ traces: CompatTrace[] }>('/api/logs?promptKey=support.reply&limit=10');
    expect(list.status).toBe(200);
    expect(list.body.traces).toEqual([
      expect.objectContaining({ traceId: 'conv-1', promptKey: 'support.reply', versionNumber: 2, model: 'gpt-4o-mini', source: 'production', status: 'active', spanCount: 2, inputTokens: 30, outputTokens: 8, createdAt: expect.any(Number) }),
    ]);
    expect((await call<{ traces: CompatTrace[] }>('/api/logs?promptKey=other')).body.traces).toEqual([]);

    const detail = await call<{ trace: CompatTrace; spans: CompatSpan[] }>('/api/logs/conv-1');
    expect(detail.status).toBe(200);
    expect(detail.body.trace).toMatchObject({ traceId: 'conv-1', spanCount: 2 });
    expect(detail.body.spans).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ spanId: first.body.spanId, type: 'message', role: 'user', content: 'Where is my order?' }),
        expect.objectContaining({ type: 'llm_call', role: 'assistant', content: 'It ships tomorrow.', model: 'gpt-4o-mini', inputTokens: 30, outputTokens: 8, durationMs: 420, metadata: '{"channel":"chat"}' }),
      ]),
    );
  });

  it("answers another project's trace 404, as one that does not exist, and leaves it out of the list", async () => {
    expect((await call('/api/log', { key: 'b', body: { traceId: 'conv-of-b', promptKey: 'b.prompt', type: 'message', role: 'user', content: 'secret of B' } })).status).toBe(200);
    const other = await call<{ error: string; code: string }>('/api/logs/conv-of-b');
    expect(other).toEqual({ status: 404, body: { error: 'Trace not found', code: 'trace_not_found' } });
    expect((await call('/api/logs/conv-nowhere')).body).toEqual(other.body);
    const listed = await call<{ traces: CompatTrace[] }>('/api/logs');
    expect(listed.body.traces.map((trace) => trace.traceId)).not.toContain('conv-of-b');
    expect((await call<{ trace: CompatTrace }>('/api/logs/conv-of-b', { key: 'b' })).body.trace.promptKey).toBe('b.prompt');
  });

  it("refuses a log without traceId, promptKey or type in the original's { error } shape", async () => {
    const response = await call<{ error: string; code: string }>('/api/log', { body: { traceId: 'conv-2', role: 'user', content: 'hi' } });
    expect(response.status).toBe(400);
    expect(response.body.error).toContain('body.promptKey');
    expect(response.body.error).toContain('body.type');
    expect((await call('/api/log', { body: { traceId: 'conv-2', promptKey: 'p', type: 'shout' } })).status).toBe(400);
  });

  it('logs a retried span once when the request names it (spanId, or an Idempotency-Key header)', async () => {
    const entry = { traceId: 'conv-retried', promptKey: 'support.reply', type: 'llm_call', role: 'assistant', content: 'Done.', inputTokens: 5 };
    const named = { ...entry, spanId: 'client-span-1' };
    expect(await call('/api/log', { body: named })).toEqual({ status: 200, body: { spanId: 'client-span-1', traceId: 'conv-retried' } });
    expect(await call('/api/log', { body: named })).toEqual({ status: 200, body: { spanId: 'client-span-1', traceId: 'conv-retried' } });
    const keyed = await call<{ spanId: string }>('/api/log', { body: entry, headers: { 'idempotency-key': 'log-attempt-7' } });
    const keyedAgain = await call<{ spanId: string }>('/api/log', { body: entry, headers: { 'idempotency-key': 'log-attempt-7' } });
    expect(keyedAgain.body.spanId).toBe(keyed.body.spanId);
    // Without either, each request is a new span.
    await call('/api/log', { body: entry });
    const detail = await call<{ trace: CompatTrace; spans: CompatSpan[] }>('/api/logs/conv-retried');
    expect(detail.body.trace).toMatchObject({ spanCount: 3, inputTokens: 15 });
    expect(detail.body.spans.map((span) => span.spanId)).toEqual(expect.arrayContaining(['client-span-1', keyed.body.spanId]));
    expect((await call('/api/log', { body: entry, headers: { 'idempotency-key': 'k'.repeat(201) } })).status).toBe(400);
  });
});
