import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResponse } from '@forprompt/sdk/ingest';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider } from '../data/provider.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { projectWithApiKey, serveApp, silentLogger } from '../../test/helpers/app.js';

// What parsers and databases trip over: NUL, lone surrogates, huge and odd numbers, far dates, deep nesting.
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ maxLength: 30 }).map((value) => `${value}\u0000`),
  fc.constantFrom('', '\ud800', 'x'.repeat(600), '+275760-09-13T00:00:00.000Z', '0000-01-01T00:00:00Z', '2025-01-31T12:00:00', 'trace-delete'),
  fc.constantFrom(-1, 0, 1.5, 1e308, -1e308, 2 ** 31, 2 ** 53 + 1, 8.64e15, true, null, [], {}),
  fc.constant(Array.from({ length: 40 }).reduce<unknown>((inner) => ({ deeper: inner }), 'bottom')),
  fc.jsonValue({ maxDepth: 3 }),
);
const clientId = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('t-1', 't-2', 's-1', 's-2'));
const time = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());

const traceBody = fc.record(
  {
    id: clientId,
    name: fc.string({ maxLength: 20 }),
    promptKey: fc.string({ minLength: 1, maxLength: 20 }),
    promptVersion: fc.integer({ min: 1, max: 20 }),
    tags: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }),
    metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    input: fc.jsonValue({ maxDepth: 2 }),
    startTime: time,
    status: fc.constantFrom('active', 'completed', 'error'),
  },
  { requiredKeys: ['id'] },
);
const spanBody = fc.record(
  {
    id: clientId,
    traceId: clientId,
    parentSpanId: clientId,
    type: fc.constantFrom('message', 'llm_call', 'tool_call'),
    role: fc.constantFrom('user', 'assistant', 'system', 'tool'),
    output: fc.jsonValue({ maxDepth: 2 }),
    model: fc.constantFrom('gpt-4o-mini', 'other'),
    usage: fc.record({ inputTokens: fc.nat({ max: 100_000 }), outputTokens: fc.nat({ max: 100_000 }) }, { requiredKeys: [] }),
    costUsd: fc.double({ min: 0, max: 10, noNaN: true }),
    startTime: time,
    durationMs: fc.nat({ max: 60_000 }),
    status: fc.constantFrom('ok', 'error'),
  },
  { requiredKeys: ['id', 'traceId'] },
);
const validEvent = fc.oneof(
  fc.record({ id: clientId, timestamp: time, type: fc.constantFrom('trace-create', 'trace-update'), body: traceBody }),
  fc.record({ id: clientId, timestamp: time, type: fc.constantFrom('span-create', 'span-update'), body: spanBody }),
);
/** A valid event with one field (of the envelope or the body) replaced, added or removed. */
const brokenEvent = fc.tuple(validEvent, fc.constantFrom('id', 'timestamp', 'type', 'body', 'extra'), fc.constantFrom('id', 'traceId', 'name', 'metadata', 'usage', 'startTime', 'endTime', 'durationMs', 'unknown'), nasty, fc.boolean()).map(
  ([event, eventField, bodyField, value, inBody]) => {
    if (inBody) return { ...event, body: { ...event.body, [bodyField]: value } } as unknown;
    const copy: Record<string, unknown> = { ...event, [eventField]: value };
    if (value === null) delete copy[eventField];
    return copy;
  },
);
const anyEvent = fc.oneof({ weight: 3, arbitrary: validEvent }, { weight: 3, arbitrary: brokenEvent }, { weight: 1, arbitrary: nasty });

describe('ingestion of arbitrary events', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let key = '';
  let projectId = '';
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    server = await serveApp(provider);
    ({ apiKey: key, projectId } = await projectWithApiKey(provider, 'properties'));
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await server?.close();
    await provider?.close();
    await database?.drop();
  });

  it('never answers 5xx; answers every event; every refused event names its fields under batch.<index>', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(anyEvent, { minLength: 1, maxLength: 12 }), async (batch) => {
        const response = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
        const text = await response.text();
        expect(response.status, text).toBe(207);
        const { results } = JSON.parse(text) as IngestResponse;
        expect(results).toHaveLength(batch.length);
        results.forEach((result, index) => {
          seen.set(result.status, (seen.get(result.status) ?? 0) + 1);
          expect([200, 201, 400], text).toContain(result.status);
          if (result.status !== 400) return;
          const issues = result.error?.details?.issues ?? [];
          expect(issues.length, text).toBeGreaterThan(0);
          for (const issue of issues) {
            expect(issue.path, text).toMatch(new RegExp(`^batch\\.${index}(\\.|$)`));
            expect(issue.message, text).not.toBe('');
          }
        });
        // Each trace's counters agree with its spans.
        const { traces } = (await (await fetch(`${server.url}/api/v1/traces?limit=200`, { headers: { 'x-api-key': key } })).json()) as { traces: Array<{ traceId: string; spanCount: number }> };
        // A trace id "." or ".." cannot be put in a URL's path: clients resolve it as a dot segment (also as %2E).
        for (const summary of traces.filter((trace) => trace.traceId !== '.' && trace.traceId !== '..').slice(0, 3)) {
          const detail = (await (await fetch(`${server.url}/api/v1/traces/${encodeURIComponent(summary.traceId)}`, { headers: { 'x-api-key': key } })).json()) as { spans: unknown[] };
          expect(detail.spans.length).toBe(summary.spanCount);
        }
      }),
      { numRuns: 150 },
    );
    // The generators reach every outcome: applied, duplicate and refused.
    expect([...seen.keys()].sort()).toEqual([200, 201, 400]);
  });

  // Valid events on few traces and spans, so that batches meet: updates before creates, spans moving
  // between traces, errors, usage with and without cost, times that run backwards.
  const tick = fc.integer({ min: 0, max: 120 }).map((second) => new Date(Date.UTC(2025, 5, 1, 12, 0, second)).toISOString());
  const counterEvent = fc.oneof(
    fc.record({
      type: fc.constantFrom('trace-create' as const, 'trace-update' as const),
      trace: fc.integer({ min: 0, max: 2 }),
      startTime: fc.option(tick, { nil: undefined }),
      endTime: fc.option(tick, { nil: undefined }),
      status: fc.option(fc.constantFrom('active' as const, 'completed' as const), { nil: undefined }),
    }),
    fc.record({
      type: fc.constantFrom('span-create' as const, 'span-update' as const),
      trace: fc.integer({ min: 0, max: 2 }),
      span: fc.integer({ min: 0, max: 5 }),
      startTime: fc.option(tick, { nil: undefined }),
      endTime: fc.option(tick, { nil: undefined }),
      durationMs: fc.option(fc.nat({ max: 90_000 }), { nil: undefined }),
      inputTokens: fc.option(fc.nat({ max: 1000 }), { nil: undefined }),
      costUsd: fc.option(fc.integer({ min: 0, max: 1000 }).map((cents) => cents / 100), { nil: undefined }),
      status: fc.option(fc.constantFrom('ok' as const, 'error' as const), { nil: undefined }),
    }),
  );
  type CounterEvent = typeof counterEvent extends fc.Arbitrary<infer Event> ? Event : never;
  /** A round: batches sent one after another or two at once, some of them sent again (a retry). */
  const round = fc.array(fc.record({ events: fc.array(counterEvent, { minLength: 1, maxLength: 8 }), concurrent: fc.boolean(), resend: fc.boolean() }), { minLength: 1, maxLength: 5 });

  it("keeps every trace's counters equal to what its stored spans add up to", { timeout: 120_000 }, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(round, async (batches) => {
        const prefix = `c${++run}`;
        const toBatch = (events: CounterEvent[]) =>
          events.map((event) => {
            const time = event.startTime ?? '2025-06-01T12:00:00.000Z';
            const ends = event.endTime !== undefined && event.startTime !== undefined && event.endTime < event.startTime ? undefined : event.endTime;
            const common = { startTime: event.startTime, endTime: ends, status: event.status };
            return 'span' in event
              ? {
                  id: randomUUID(),
                  timestamp: time,
                  type: event.type,
                  body: { id: `${prefix}-s${event.span}`, traceId: `${prefix}-t${event.trace}`, ...common, durationMs: event.durationMs, costUsd: event.costUsd, model: 'gpt-4o-mini', ...(event.inputTokens !== undefined && { usage: { inputTokens: event.inputTokens } }) },
                }
              : { id: randomUUID(), timestamp: time, type: event.type, body: { id: `${prefix}-t${event.trace}`, ...common } };
          });
        const send = async (batch: unknown[]) => {
          const response = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
          const text = await response.text();
          expect(response.status, text).toBe(207);
          expect((JSON.parse(text) as IngestResponse).results.every((result) => result.status === 200 || result.status === 201), text).toBe(true);
        };
        const sent: unknown[][] = [];
        for (let index = 0; index < batches.length; index++) {
          const { events, concurrent, resend } = batches[index]!;
          const batch = toBatch(events);
          const next = batches[index + 1];
          if (concurrent && next) {
            const other = toBatch(next.events);
            await Promise.all([send(batch), send(other)]);
            sent.push(batch, other);
            index++;
          } else {
            await send(batch);
            sent.push(batch);
          }
          if (resend) await send(sent[Math.floor(sent.length / 2)]!);
        }
        const { rows } = await pool.query(
          `select t.trace_id, t.span_count = count(s.id) as spans, t.error_count = count(s.id) filter (where s.status = 'error') as errors,
             t.input_tokens = coalesce(sum(s.input_tokens), 0) as tokens, t.cost = coalesce(sum(s.cost), 0) as cost,
             t.started_at <= coalesce(min(s.started_at), t.started_at) as starts_first,
             t.latency_ms is not distinct from (case when coalesce(t.ended_at, max(coalesce(s.ended_at, s.started_at + s.duration_ms * interval '1 millisecond'))) is not null
               then least(greatest(round(extract(epoch from (coalesce(t.ended_at, max(coalesce(s.ended_at, s.started_at + s.duration_ms * interval '1 millisecond'))) - t.started_at)) * 1000), 0), 2147483647)::int end) as latency,
             (t.status = 'error') = (count(s.id) filter (where s.status = 'error') > 0) or t.status = 'error' as status
           from traces t left join spans s on s.trace_id = t.id
           where t.project_id = $1 and t.trace_id like $2
           group by t.id`,
          [projectId, `${prefix}-%`],
        );
        for (const row of rows) expect(row, JSON.stringify(batches)).toEqual({ trace_id: row.trace_id, spans: true, errors: true, tokens: true, cost: true, starts_first: true, latency: true, status: true });
      }),
      { numRuns: 60 },
    );
  });

  // The other ingestion paths: OTLP (JSON and protobuf bytes) and the original's /api/log.
  const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
  const attribute = fc.record({ key: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('gen_ai.request.model', 'gen_ai.usage.input_tokens', 'gen_ai.input.messages', 'forprompt.prompt.version', 'user.id')), value: fc.oneof(fc.record({ stringValue: nasty }), fc.record({ intValue: nasty }), fc.record({ doubleValue: nasty }), fc.record({ boolValue: nasty }), fc.record({ arrayValue: fc.record({ values: fc.array(fc.record({ stringValue: fc.string() }), { maxLength: 3 }) }) }), nasty) });
  const otlpSpan = fc.record(
    {
      traceId: fc.oneof(hex(32), nasty),
      spanId: fc.oneof(hex(16), nasty),
      parentSpanId: fc.oneof(hex(16), nasty),
      name: nasty,
      kind: fc.oneof(fc.integer({ min: 0, max: 5 }), nasty),
      startTimeUnixNano: fc.oneof(fc.constantFrom('1738324800000000000', '0', '-1', '99999999999999999999'), nasty),
      endTimeUnixNano: fc.oneof(fc.constant('1738324801000000000'), nasty),
      attributes: fc.oneof(fc.array(attribute, { maxLength: 4 }), nasty),
      events: fc.oneof(fc.array(fc.record({ name: nasty, timeUnixNano: nasty, attributes: fc.array(attribute, { maxLength: 2 }) }), { maxLength: 2 }), nasty),
      links: fc.oneof(fc.array(fc.record({ traceId: fc.oneof(hex(32), nasty), spanId: fc.oneof(hex(16), nasty) }), { maxLength: 2 }), nasty),
      status: fc.oneof(fc.record({ code: fc.oneof(fc.integer({ min: 0, max: 2 }), nasty), message: nasty }), nasty),
    },
    { requiredKeys: ['traceId', 'spanId'] },
  );
  const otlpBody = fc.oneof(
    fc.record({ resourceSpans: fc.array(fc.record({ resource: fc.record({ attributes: fc.array(attribute, { maxLength: 3 }) }), scopeSpans: fc.array(fc.record({ scope: fc.record({ name: nasty }), spans: fc.array(otlpSpan, { maxLength: 4 }) }), { maxLength: 2 }) }), { maxLength: 2 }) }),
    nasty,
  );

  it('answers every OTLP export, JSON or protobuf bytes, with 200 (rejected spans counted) or 4xx, never 5xx', async () => {
    const post = (body: string | Uint8Array, contentType: string) =>
      fetch(`${server.url}/api/v1/otel/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body });
    await fc.assert(
      fc.asyncProperty(otlpBody, fc.uint8Array({ maxLength: 200 }), async (body, bytes) => {
        const json = await post(JSON.stringify(body), 'application/json');
        const text = await json.text();
        expect([200, 400], text).toContain(json.status);
        if (json.status === 200) {
          const spans = (body as { resourceSpans?: Array<{ scopeSpans: Array<{ spans: unknown[] }> }> }).resourceSpans?.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)) ?? [];
          const { partialSuccess } = JSON.parse(text) as { partialSuccess?: { rejectedSpans: number } };
          expect(partialSuccess?.rejectedSpans ?? 0, text).toBeLessThanOrEqual(spans.length);
        } else {
          expect((JSON.parse(text) as { error: { code: string } }).error.code, text).toBe('validation_error');
        }
        const binary = await post(bytes, 'application/x-protobuf');
        expect([200, 400], String(binary.status)).toContain(binary.status);
        expect(binary.headers.get('content-type')).toContain('application/x-protobuf');
      }),
      { numRuns: 100 },
    );
  });

  it("answers every /api/log body with 200 or 400 in the original's { error } shape, and stores only what it answered 200", async () => {
    const logBody = fc.record(
      { traceId: fc.oneof(clientId, nasty), promptKey: fc.oneof(clientId, nasty), type: fc.oneof(fc.constantFrom('message', 'llm_call', 'tool_call'), nasty), role: fc.oneof(fc.constantFrom('user', 'assistant'), nasty), content: fc.oneof(fc.string({ maxLength: 50 }), nasty), inputTokens: fc.oneof(fc.nat({ max: 1000 }), nasty), metadata: fc.oneof(fc.json(), nasty), spanId: fc.oneof(clientId, nasty) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(logBody, nasty), async (body) => {
        const response = await fetch(`${server.url}/api/log`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const text = await response.text();
        expect([200, 400], text).toContain(response.status);
        const answer = JSON.parse(text) as { error?: unknown; spanId?: string; traceId?: string };
        if (response.status === 400) {
          expect(typeof answer.error, text).toBe('string');
          return;
        }
        // (A span id logged before keeps its first trace, so the two are looked up apart.)
        expect((await pool.query('select 1 from spans where project_id = $1 and span_id = $2', [projectId, answer.spanId])).rowCount, text).toBe(1);
        expect((await pool.query('select 1 from traces where project_id = $1 and trace_id = $2', [projectId, answer.traceId])).rowCount, text).toBe(1);
      }),
      { numRuns: 100 },
    );
  });
});
