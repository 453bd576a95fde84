import { describe, expect, it } from 'vitest';
import { ingestBatchSchema, ingestEventSchema, type IngestEvent } from './schema.js';

const span: IngestEvent = {
  id: 'evt-1',
  timestamp: '2025-01-31T12:00:00.000Z',
  type: 'span-create',
  body: { id: 'span-1', traceId: 'trace-1', type: 'llm_call', model: 'gpt-4o-mini', usage: { inputTokens: 10, outputTokens: 5 }, input: [{ role: 'user', content: 'Hi' }], output: 'Hello' },
};

const messagesOf = (value: unknown) => {
  const result = ingestEventSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('the ingest event schema', () => {
  it('accepts each event type, and a batch of them', () => {
    const trace: IngestEvent = { id: 'evt-2', timestamp: '2025-01-31T14:00:00+02:00', type: 'trace-create', body: { id: 'trace-1', promptKey: 'support', promptVersion: 2, tags: ['beta'], metadata: { plan: 'pro' }, status: 'active' } };
    expect(ingestEventSchema.parse(span)).toEqual(span);
    expect(ingestBatchSchema.parse({ batch: [trace, span, { ...span, id: 'evt-3', type: 'span-update' }, { ...trace, id: 'evt-4', type: 'trace-update' }] }).batch).toHaveLength(4);
  });

  it('names the field in every message', () => {
    expect(messagesOf({ ...span, body: { ...span.body, traceId: undefined } })).toEqual(['body.traceId: traceId is required']);
    expect(messagesOf({ ...span, type: 'span-delete' })).toEqual(['type: type must be one of trace-create, trace-update, span-create, span-update']);
    expect(messagesOf({ ...span, timestamp: '2025-01-31 12:00' })).toEqual(['timestamp: timestamp must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T12:00:00.000Z']);
    expect(messagesOf({ ...span, timestamp: 1738324800000 })).toEqual(['timestamp: timestamp must be an ISO 8601 date-time string']);
    expect(messagesOf({ ...span, timestamp: undefined })).toEqual(['timestamp: timestamp is required']);
    expect(messagesOf({ ...span, body: { ...span.body, startTime: '0001-01-01T00:00:00Z' } })).toEqual(['body.startTime: startTime must be between the years 1970 and 9999']);
    expect(messagesOf({ ...span, body: { ...span.body, name: 'x'.repeat(501) } })).toEqual(['body.name: name must be at most 500 characters']);
    expect(messagesOf({ ...span, body: { ...span.body, usage: { inputTokens: -1 } } })).toEqual(['body.usage.inputTokens: usage.inputTokens must be at least 0']);
    expect(messagesOf({ ...span, body: { ...span.body, startTime: '2025-01-31T12:00:05Z', endTime: '2025-01-31T12:00:01Z' } })).toEqual(['body.endTime: endTime must not be before startTime']);
    expect(messagesOf({ ...span, body: { ...span.body, colour: 'red' } })).toEqual(['body: Unrecognized key: "colour"']);
  });

  it('refuses JSON that cannot be stored: NUL, lone surrogates, non-finite numbers, deep nesting, oversize', () => {
    const deep = Array.from({ length: 10_000 }).reduce<unknown>((inner) => [inner], 0);
    expect(messagesOf({ ...span, body: { ...span.body, output: deep } })).toEqual(['body.output: output must not be nested deeper than 32 levels']);
    expect(messagesOf({ ...span, body: { ...span.body, metadata: { 'key\u0000': 1 } } })).toEqual(['body.metadata: metadata must hold valid Unicode keys without NUL characters']);
    expect(messagesOf({ ...span, body: { ...span.body, input: { text: '\ud800' } } })).toEqual(['body.input: input must hold valid Unicode text without NUL characters']);
    expect(messagesOf({ ...span, body: { ...span.body, input: Number.POSITIVE_INFINITY } })).toEqual(['body.input: input must hold finite numbers only']);
    expect(messagesOf({ ...span, body: { ...span.body, metadata: ['not', 'an', 'object'] } })).toEqual(['body.metadata: metadata must be a JSON object']);
    expect(messagesOf({ ...span, body: { ...span.body, output: 'x'.repeat(1024 * 1024) } })).toEqual(['body.output: output must be at most 1048576 characters as JSON']);
    // Measured as JSON: quotes and escapes count; a value exactly at the limit passes.
    expect(messagesOf({ ...span, body: { ...span.body, output: 'x'.repeat(1024 * 1024 - 2) } })).toEqual([]);
    expect(messagesOf({ ...span, body: { ...span.body, output: '"'.repeat(600_000) } })).toEqual(['body.output: output must be at most 1048576 characters as JSON']);
    expect(messagesOf({ ...span, body: { ...span.body, input: { list: Array.from({ length: 300_000 }, () => 1.5) } } })).toEqual(['body.input: input must be at most 1048576 characters as JSON']);
    expect(messagesOf({ ...span, body: { ...span.body, input: { list: Array.from({ length: 300_000 }, () => 1) } } })).toEqual([]);
    // The longest numbers JSON writes (25 characters), and holes that JSON writes as null.
    expect(messagesOf({ ...span, body: { ...span.body, input: { list: Array.from({ length: 41_000 }, () => -0.0000012345678901234567) } } })).toEqual(['body.input: input must be at most 1048576 characters as JSON']);
    expect(messagesOf({ ...span, body: { ...span.body, input: new Array(300_000) } })).toEqual(['body.input: input must be at most 1048576 characters as JSON']);
    expect(messagesOf({ ...span, body: { ...span.body, name: 'emoji 😀 is fine' } })).toEqual([]);
  });

  it('bounds a batch to 1 to 1,000 events', () => {
    expect(ingestBatchSchema.safeParse({ batch: [] }).error?.issues[0]?.message).toBe('batch must hold at least one event');
    expect(ingestBatchSchema.safeParse({ batch: Array.from({ length: 1001 }, (_, n) => ({ ...span, id: `evt-${n}` })) }).error?.issues[0]?.message).toBe('batch must hold at most 1000 events');
  });
});
