import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEvent, IngestResponse, SpanBody, TraceBody } from '@forprompt/sdk/ingest';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider } from '../data/provider.js';
import type { TraceDetail } from '../data/traces.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { projectWithApiKey, serveApp, silentLogger } from '../../test/helpers/app.js';

/** A trace as JSON carries it: times as strings. */
type TraceView = { [Field in keyof TraceDetail]: TraceDetail[Field] extends Date ? string : TraceDetail[Field] };

let sequence = 0;
const at = (second: number) => new Date(Date.UTC(2025, 0, 31, 12, 0, second)).toISOString();
const traceEvent = (type: 'trace-create' | 'trace-update', body: TraceBody, timestamp = at(0)): IngestEvent => ({ id: `evt-${++sequence}-${randomUUID()}`, timestamp, type, body });
const spanEvent = (type: 'span-create' | 'span-update', body: SpanBody, timestamp = at(0)): IngestEvent => ({ id: `evt-${++sequence}-${randomUUID()}`, timestamp, type, body });

/** Tracing through /api/v1, as the SDK sends it: batches of events with a project API key. */
describe('trace ingestion through /api/v1/ingest', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let pool: pg.Pool;
  const keys: Record<'a' | 'b', string> = { a: '', b: '' };

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    server = await serveApp(provider);
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    for (const name of ['a', 'b'] as const) keys[name] = (await projectWithApiKey(provider, `traces ${name}`)).apiKey;
  });
  afterAll(async () => {
    await server?.close();
    await pool?.end();
    await provider?.close();
    await database?.drop();
  });

  const call = (path: string, init: RequestInit & { key?: 'a' | 'b' } = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { 'x-api-key': keys[init.key ?? 'a'], 'content-type': 'application/json', ...init.headers } });
  const ingest = async (batch: unknown[], key: 'a' | 'b' = 'a') => {
    const response = await call('/api/v1/ingest', { method: 'POST', body: JSON.stringify({ batch }), key });
    expect(response.status).toBe(207);
    return ((await response.json()) as IngestResponse).results;
  };
  const trace = async (traceId: string, key: 'a' | 'b' = 'a') => {
    const response = await call(`/api/v1/traces/${encodeURIComponent(traceId)}`, { key });
    expect(response.status).toBe(200);
    return (await response.json()) as TraceView;
  };

  it('applies a batch with one bad event and answers that event 400, naming its field', async () => {
    const batch = [
      traceEvent('trace-create', { id: 'mixed', name: 'Mixed batch', promptKey: 'support.reply', promptVersion: 2 }),
      spanEvent('span-create', { id: 'mixed-1', traceId: 'mixed', type: 'llm_call', model: 'gpt-4o-mini', usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0.25 }),
      { id: 'bad-one', timestamp: at(1), type: 'span-create', body: { id: 'mixed-2', traceId: 42 } },
      spanEvent('span-create', { id: 'mixed-3', traceId: 'mixed', role: 'user', input: { text: 'hello' } }),
    ];
    const results = await ingest(batch);
    expect(results.map((result) => result.status)).toEqual([201, 201, 400, 201]);
    expect(results[2]).toMatchObject({ id: 'bad-one', error: { code: 'validation_error', details: { issues: [{ path: 'batch.2.body.traceId', message: 'traceId must be a string' }] } } });
    const stored = await trace('mixed');
    expect(stored).toMatchObject({ name: 'Mixed batch', spanCount: 2, inputTokens: 10, outputTokens: 5, costUsd: 0.25, status: 'active' });
    expect(stored.spans.map((span) => span.spanId).sort()).toEqual(['mixed-1', 'mixed-3']);
  });

  it('names what is wrong in each refused event: unknown types and fields, bad times, oversized content', async () => {
    const results = await ingest([
      { id: 'e1', timestamp: at(0), type: 'trace-delete', body: { id: 'x' } },
      { id: 'e2', timestamp: 'yesterday', type: 'trace-create', body: { id: 'x' } },
      { id: 'e3', timestamp: at(0), type: 'trace-create', body: { id: 'x', colour: 'red' } },
      { id: 'e4', timestamp: at(0), type: 'span-create', body: { id: 's', traceId: 'x', output: 'y'.repeat(1024 * 1024 + 1) } },
      { id: 'e5', timestamp: at(0), type: 'span-create', body: { id: 's', traceId: 'x', startTime: at(5), endTime: at(1) } },
      'not an event',
      { id: 'e7', timestamp: at(0), type: 'trace-create', body: { id: 'x', metadata: { note: 'nul\u0000' } } },
    ]);
    expect(results.map((result) => result.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
    const paths = results.map((result) => result.error?.details?.issues.map((issue) => issue.path));
    expect(paths).toEqual([['batch.0.type'], ['batch.1.timestamp'], ['batch.2.body.colour'], ['batch.3.body.output'], ['batch.4.body.endTime'], ['batch.5'], ['batch.6.body.metadata']]);
    expect(results[3]!.error?.message).toContain('batch.3.body.output');
    expect(results[3]!.error?.details?.issues[0]!.message).toBe('output must be at most 1048576 characters as JSON');
    expect(results[5]!.id).toBeNull();
  });

  it('refuses a malformed envelope as a whole, naming body.batch', async () => {
    for (const body of [{ batch: [] }, { batch: 'events' }, {}, { batch: Array.from({ length: 1001 }, () => ({})) }]) {
      const response = await call('/api/v1/ingest', { method: 'POST', body: JSON.stringify(body) });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { details: { issues: [expect.objectContaining({ path: 'body.batch' })] } } });
    }
  });

  it('acknowledges a retried batch as duplicates and applies nothing twice', async () => {
    const batch = [
      traceEvent('trace-create', { id: 'retried', name: 'Retried', metadata: { attempt: 1 } }),
      spanEvent('span-create', { id: 'retried-1', traceId: 'retried', usage: { inputTokens: 7, outputTokens: 3 }, costUsd: 0.5 }),
      spanEvent('span-create', { id: 'retried-2', traceId: 'retried', usage: { inputTokens: 1, outputTokens: 1 } }),
    ];
    expect((await ingest(batch)).map((result) => result.status)).toEqual([201, 201, 201]);
    const before = await trace('retried');
    const again = await ingest(batch);
    expect(again.map((result) => [result.id, result.status])).toEqual(batch.map((event) => [event.id, 200]));
    const after = await trace('retried');
    expect(after).toMatchObject({ spanCount: 2, inputTokens: 8, outputTokens: 4, costUsd: 0.5 });
    expect(after.updatedAt).toBe(before.updatedAt);
    // The same id twice within one batch: the first counts.
    const repeated = spanEvent('span-create', { id: 'retried-3', traceId: 'retried', usage: { inputTokens: 100 } });
    expect((await ingest([repeated, repeated])).map((result) => result.status)).toEqual([201, 200]);
    expect((await trace('retried')).inputTokens).toBe(108);
  });

  it('applies a retried span creation once even when the retry comes in a new batch with fresh events', async () => {
    const create = spanEvent('span-create', { id: 'rebatched-1', traceId: 'rebatched', name: 'first', usage: { inputTokens: 10 }, costUsd: 1 });
    expect((await ingest([create])).map((result) => result.status)).toEqual([201]);
    await ingest([spanEvent('span-update', { id: 'rebatched-1', traceId: 'rebatched', name: 'renamed' })]);
    // The SDK resends the create (its answer was lost) together with events queued since.
    const fresh = spanEvent('span-update', { id: 'rebatched-1', traceId: 'rebatched', output: 'answer' });
    const second = spanEvent('span-create', { id: 'rebatched-2', traceId: 'rebatched', usage: { inputTokens: 5 } });
    expect((await ingest([create, fresh, second])).map((result) => result.status)).toEqual([200, 201, 201]);
    const stored = await trace('rebatched');
    expect(stored).toMatchObject({ spanCount: 2, inputTokens: 15, costUsd: 1 });
    expect(stored.spans.find((span) => span.spanId === 'rebatched-1')).toMatchObject({ name: 'renamed', output: 'answer', inputTokens: 10 });

    // A creation that arrives after an update of its span (which stored the span) still applies, once.
    await ingest([spanEvent('span-update', { id: 'rebatched-3', traceId: 'rebatched', output: 'partial' })]);
    const late = spanEvent('span-create', { id: 'rebatched-3', traceId: 'rebatched', name: 'late', type: 'llm_call', usage: { outputTokens: 7 } });
    expect((await ingest([late])).map((result) => result.status)).toEqual([201]);
    expect((await ingest([late])).map((result) => result.status)).toEqual([200]);
    const after = await trace('rebatched');
    expect(after).toMatchObject({ spanCount: 3, inputTokens: 15, outputTokens: 7 });
    expect(after.spans.find((span) => span.spanId === 'rebatched-3')).toMatchObject({ name: 'late', type: 'llm_call', output: 'partial' });
  });

  it('keeps latency right when spans start before their trace and end before its start', async () => {
    // The first span ends before the trace's start (its end came in an update): the latency is clamped to 0.
    await ingest([
      traceEvent('trace-create', { id: 'skewed', startTime: at(30) }),
      spanEvent('span-create', { id: 'skewed-1', traceId: 'skewed', startTime: at(30) }),
    ]);
    await ingest([spanEvent('span-update', { id: 'skewed-1', traceId: 'skewed', endTime: at(20) })]);
    expect(await trace('skewed')).toMatchObject({ latencyMs: 0, startedAt: at(30) });
    // A later span starting earlier moves the start back: the latency runs to the latest end, the first span's.
    await ingest([spanEvent('span-create', { id: 'skewed-2', traceId: 'skewed', startTime: at(10), endTime: at(15) })]);
    expect(await trace('skewed')).toMatchObject({ spanCount: 2, startedAt: at(10), latencyMs: 10_000 });
  });

  it('creates the trace of a span that arrives first, and fills it in when the trace-create comes', async () => {
    expect((await ingest([spanEvent('span-create', { id: 'early-1', traceId: 'late', startTime: at(10), endTime: at(12), usage: { outputTokens: 4 } })])).map((result) => result.status)).toEqual([201]);
    const placeholder = await trace('late');
    expect(placeholder).toMatchObject({ name: null, status: 'active', spanCount: 1, outputTokens: 4, startedAt: at(10), latencyMs: 2000 });
    expect(placeholder.spans[0]).toMatchObject({ spanId: 'early-1', durationMs: 2000 });
    await ingest([traceEvent('trace-create', { id: 'late', name: 'Late trace', userId: 'u-1', startTime: at(9), metadata: { plan: 'pro' } })]);
    await ingest([traceEvent('trace-update', { id: 'late', endTime: at(15), status: 'completed', metadata: { region: 'eu' } })]);
    expect(await trace('late')).toMatchObject({ name: 'Late trace', status: 'completed', spanCount: 1, outputTokens: 4, startedAt: at(9), latencyMs: 6000, metadata: { plan: 'pro', region: 'eu' } });
  });

  it("gives a trace sent without a model its earliest model span's, also one added by a span-update; a trace's own model stays", async () => {
    await ingest([
      traceEvent('trace-create', { id: 'sdk-turn', startTime: at(0) }),
      spanEvent('span-create', { id: 'sdk-turn-a-tool', traceId: 'sdk-turn', type: 'tool_call', startTime: at(1) }),
      // Ids sort against start times: the earliest start decides, not the id.
      spanEvent('span-create', { id: 'sdk-turn-b', traceId: 'sdk-turn', type: 'llm_call', model: 'claude-haiku-4-5', startTime: at(3) }),
      spanEvent('span-create', { id: 'sdk-turn-c', traceId: 'sdk-turn', type: 'llm_call', model: 'gpt-5-nano', startTime: at(2) }),
      traceEvent('trace-create', { id: 'own-model', model: 'gpt-4.1', startTime: at(0) }),
      spanEvent('span-create', { id: 'own-model-1', traceId: 'own-model', type: 'llm_call', model: 'mistral-small', startTime: at(1) }),
    ]);
    expect((await trace('sdk-turn')).model).toBe('gpt-5-nano');
    expect((await trace('own-model')).model).toBe('gpt-4.1');
    const listed = async (model: string) =>
      ((await (await call(`/api/v1/traces?model=${model}&from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(59))}`)).json()) as { traces: Array<{ traceId: string }> }).traces.map((entry) => entry.traceId);
    expect(await listed('gpt-5-nano')).toEqual(['sdk-turn']);

    // Once it has one, a span arriving later that started earlier does not change it; a trace-update naming a model does.
    await ingest([spanEvent('span-create', { id: 'sdk-turn-d', traceId: 'sdk-turn', model: 'o3', startTime: at(0) })]);
    expect((await trace('sdk-turn')).model).toBe('gpt-5-nano');
    await ingest([traceEvent('trace-update', { id: 'sdk-turn', model: 'gemini-2.5-flash' })]);
    expect((await trace('sdk-turn')).model).toBe('gemini-2.5-flash');

    // A generation created without its model and given it by an update.
    await ingest([spanEvent('span-create', { id: 'later-model-1', traceId: 'later-model', type: 'llm_call', startTime: at(1) })]);
    expect((await trace('later-model')).model).toBeNull();
    await ingest([spanEvent('span-update', { id: 'later-model-1', traceId: 'later-model', model: 'llama3.1' })]);
    expect((await trace('later-model')).model).toBe('llama3.1');
    expect(await listed('llama3.1')).toEqual(['later-model']);
  });

  it('completes an active trace that is given an end time without a status', async () => {
    await ingest([traceEvent('trace-create', { id: 'ended-later', startTime: at(0) }), traceEvent('trace-create', { id: 'ended-at-once', startTime: at(0), endTime: at(3) })]);
    expect(await trace('ended-later')).toMatchObject({ status: 'active', latencyMs: null });
    expect(await trace('ended-at-once')).toMatchObject({ status: 'completed', latencyMs: 3000 });
    await ingest([traceEvent('trace-update', { id: 'ended-later', endTime: at(2) })]);
    expect(await trace('ended-later')).toMatchObject({ status: 'completed', latencyMs: 2000 });
    // A status sent with it wins, and an error is not undone by a later end time.
    await ingest([traceEvent('trace-create', { id: 'ended-failed', startTime: at(0), status: 'error' })]);
    await ingest([traceEvent('trace-update', { id: 'ended-failed', endTime: at(1) })]);
    expect(await trace('ended-failed')).toMatchObject({ status: 'error' });
  });

  it('keeps counters right when spans are updated, nested, and fail', async () => {
    await ingest([
      traceEvent('trace-create', { id: 'tree', startTime: at(0) }),
      spanEvent('span-create', { id: 'tree-root', traceId: 'tree', type: 'llm_call', startTime: at(1) }),
      spanEvent('span-create', { id: 'tree-tool', traceId: 'tree', parentSpanId: 'tree-root', type: 'tool_call', startTime: at(2), durationMs: 500 }),
    ]);
    await ingest([
      spanEvent('span-update', { id: 'tree-root', traceId: 'tree', usage: { inputTokens: 20, outputTokens: 30 }, endTime: at(4) }),
      spanEvent('span-update', { id: 'tree-tool', traceId: 'tree', status: 'error' }),
    ]);
    const stored = await trace('tree');
    expect(stored).toMatchObject({ spanCount: 2, errorCount: 1, status: 'error', inputTokens: 20, outputTokens: 30, latencyMs: 4000 });
    expect(stored.spans.map((span) => [span.spanId, span.parentSpanId, span.type, span.durationMs])).toEqual([
      ['tree-root', null, 'llm_call', 3000],
      ['tree-tool', 'tree-root', 'tool_call', 500],
    ]);
    // A span-update for a span never created creates it (as a message).
    await ingest([spanEvent('span-update', { id: 'tree-orphan', traceId: 'tree', output: 'done' }, at(3))]);
    expect((await trace('tree')).spans.find((span) => span.spanId === 'tree-orphan')).toMatchObject({ type: 'message', input: null });
  });

  it('prices spans sent with usage but no cost from the model price table', async () => {
    await pool.query(`insert into model_prices (model_pattern, input_price_per_million, output_price_per_million) values ('acme-chat', 0.15, 0.6), ('acme-*', 3, 15), ('acme-haiku*', 0.8, 4)`);
    await ingest([
      spanEvent('span-create', { id: 'priced-1', traceId: 'priced', model: 'acme-chat', usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 } }),
      spanEvent('span-create', { id: 'priced-2', traceId: 'priced', model: 'acme-haiku-20241022', usage: { inputTokens: 1_000_000 } }),
      spanEvent('span-create', { id: 'priced-3', traceId: 'priced', model: 'acme-sonnet', usage: { outputTokens: 100_000 } }),
      spanEvent('span-create', { id: 'priced-4', traceId: 'priced', model: 'unknown-model', usage: { outputTokens: 100 } }),
      spanEvent('span-create', { id: 'priced-5', traceId: 'priced', model: 'acme-chat', usage: { inputTokens: 5 }, costUsd: 2 }),
    ]);
    const stored = await trace('priced');
    expect(Object.fromEntries(stored.spans.map((span) => [span.spanId, span.costUsd]))).toEqual({ 'priced-1': 0.75, 'priced-2': 0.8, 'priced-3': 1.5, 'priced-4': null, 'priced-5': 2 });
    expect(stored.costUsd).toBeCloseTo(5.05, 8);
  });

  it('prices common hosted models out of the box (the instance defaults), dated snapshots and OpenRouter names too', async () => {
    await ingest([
      spanEvent('span-create', { id: 'default-1', traceId: 'defaults', model: 'gpt-4o-mini-2024-07-18', usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 } }),
      spanEvent('span-create', { id: 'default-2', traceId: 'defaults', model: 'gpt-4o', usage: { inputTokens: 1_000_000 } }),
      spanEvent('span-create', { id: 'default-3', traceId: 'defaults', model: 'anthropic/claude-3.5-haiku', usage: { outputTokens: 1_000_000 } }),
      spanEvent('span-create', { id: 'default-4', traceId: 'defaults', model: 'claude-sonnet-4-20250514', usage: { inputTokens: 1_000_000 } }),
      spanEvent('span-create', { id: 'default-5', traceId: 'defaults', model: 'llama3.1', usage: { inputTokens: 1_000_000 } }),
    ]);
    const stored = await trace('defaults');
    expect(Object.fromEntries(stored.spans.map((span) => [span.spanId, span.costUsd]))).toEqual({ 'default-1': 0.75, 'default-2': 2.5, 'default-3': 4, 'default-4': 3, 'default-5': null });
  });

  it('applies the same batch sent twice at once exactly once', async () => {
    const batch = [
      traceEvent('trace-create', { id: 'raced', name: 'Raced' }),
      ...Array.from({ length: 50 }, (_, n) => spanEvent('span-create', { id: `raced-${n}`, traceId: 'raced', usage: { inputTokens: 1 } })),
    ];
    const [first, second] = await Promise.all([ingest(batch), ingest(batch)]);
    for (let index = 0; index < batch.length; index++) expect([first![index]!.status, second![index]!.status].sort()).toEqual([200, 201]);
    expect(await trace('raced')).toMatchObject({ spanCount: 50, inputTokens: 50 });
  });

  it('keeps counters right when different batches write one trace at once', async () => {
    const batches = Array.from({ length: 6 }, (_, n) => Array.from({ length: 20 }, (_, m) => spanEvent('span-create', { id: `busy-${n}-${m}`, traceId: 'busy', usage: { outputTokens: 2 } })));
    await Promise.all(batches.map((batch) => ingest(batch)));
    expect(await trace('busy')).toMatchObject({ spanCount: 120, outputTokens: 240 });
  });

  it("never shows one project's traces to another project's key", async () => {
    const response = await call('/api/v1/traces/mixed', { key: 'b' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'trace_not_found' } });
    expect(((await (await call('/api/v1/traces', { key: 'b' })).json()) as { traces: unknown[] }).traces).toEqual([]);
    // The same trace id in another project is another trace.
    await ingest([traceEvent('trace-create', { id: 'mixed', name: 'B’s own' })], 'b');
    expect((await trace('mixed', 'b')).name).toBe('B’s own');
    expect((await trace('mixed')).name).toBe('Mixed batch');
  });

  it('lists traces newest first with filters and a cursor', async () => {
    const base = Date.UTC(2030, 5, 1);
    const time = (minute: number) => new Date(base + minute * 60_000).toISOString();
    await ingest(
      Array.from({ length: 7 }, (_, n) =>
        traceEvent('trace-create', {
          id: `listed-${n}`,
          promptKey: n % 2 ? 'odd' : 'even',
          promptVersion: n < 4 ? 1 : 2,
          userId: `user-${n % 3}`,
          sessionId: n < 3 ? 'session-a' : 'session-b',
          status: n === 6 ? 'completed' : 'active',
          startTime: time(n),
        }),
      ),
    );
    const ids = async (query: string) => ((await (await call(`/api/v1/traces?${query}`)).json()) as { traces: Array<{ traceId: string }> }).traces.map((entry) => entry.traceId);
    const window = `from=${encodeURIComponent(time(0))}&to=${encodeURIComponent(time(7))}`;
    expect(await ids(window)).toEqual(['listed-6', 'listed-5', 'listed-4', 'listed-3', 'listed-2', 'listed-1', 'listed-0']);
    expect(await ids(`${window}&promptKey=odd`)).toEqual(['listed-5', 'listed-3', 'listed-1']);
    expect(await ids(`${window}&promptKey=even&promptVersion=2`)).toEqual(['listed-6', 'listed-4']);
    expect(await ids(`${window}&userId=user-1`)).toEqual(['listed-4', 'listed-1']);
    expect(await ids(`${window}&sessionId=session-a`)).toEqual(['listed-2', 'listed-1', 'listed-0']);
    expect(await ids(`${window}&status=completed`)).toEqual(['listed-6']);
    expect(await ids(`from=${encodeURIComponent(time(2))}&to=${encodeURIComponent(time(4))}`)).toEqual(['listed-3', 'listed-2']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await call(`/api/v1/traces?${window}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { traces: Array<{ traceId: string }>; nextCursor: string | null };
      expect(page.traces.length).toBeLessThanOrEqual(3);
      seen.push(...page.traces.map((entry) => entry.traceId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['listed-6', 'listed-5', 'listed-4', 'listed-3', 'listed-2', 'listed-1', 'listed-0']);

    for (const query of ['cursor=forged', 'status=done', 'limit=0', `from=${encodeURIComponent(time(5))}&to=${encodeURIComponent(time(1))}`]) {
      const response = await call(`/api/v1/traces?${query}`);
      expect(response.status).toBe(400);
    }
  });
});
