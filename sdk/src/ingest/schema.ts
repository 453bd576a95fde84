/**
 * The zod schemas of the tracing wire format (`POST /api/v1/ingest`), shared by the engine (which
 * validates every event with them) and any client that wants to check its events before sending.
 * Published as `@forprompt/sdk/ingest`; zod is an optional peer dependency, needed only by importers
 * of this entry point — the SDK's main entry never imports it (it uses `./types.ts`).
 *
 * Every message names its field, so a refused event says what to fix: `name must be at most 500
 * characters`, with the path (`batch.3.body.name`) in the engine's answer.
 */
import { z } from 'zod';
import { INGEST_LIMITS, type IngestEvent, type JsonObject, type JsonValue } from './types.js';

export * from './types.js';

const EARLIEST = Date.parse('1970-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59Z');
const MAX_INT32 = 2_147_483_647;

// NUL cannot be stored by PostgreSQL, and a lone surrogate is not Unicode: both are refused by name.
// Most text has neither NUL nor any surrogate, which the first (much cheaper) test tells.
const NUL_OR_SURROGATE = /[\u0000\uD800-\uDFFF]/;
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isStorableText = (value: string) => !NUL_OR_SURROGATE.test(value) || !UNSTORABLE_TEXT.test(value);

/** For a value of the wrong type: "field is required" when missing, else "field must be …" (other issues keep their messages). */
const typeError = (field: string, expected: string) => (issue: { code?: string; input?: unknown }) => {
  if (issue.code !== undefined && issue.code !== 'invalid_type') return undefined;
  return issue.input === undefined ? `${field} is required` : `${field} must be ${expected}`;
};

function text(field: string, max: number, min = 0) {
  return z
    .string({ error: typeError(field, 'a string') })
    .min(min, min === 1 ? `${field} must not be empty` : `${field} must be at least ${min} characters`)
    .max(max, `${field} must be at most ${max} characters`)
    .refine(isStorableText, `${field} must be valid Unicode text without NUL characters`);
}

const clientId = (field: string) => text(field, INGEST_LIMITS.idLength, 1);

function wholeNumber(field: string, min: number, max: number) {
  return z
    .number({ error: typeError(field, 'a number') })
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max}`);
}

/** ISO 8601 with a time zone (`Z` or `±hh:mm`), between 1970 and 9999. */
function dateTime(field: string) {
  const wrongType = typeError(field, 'an ISO 8601 date-time string');
  return z.iso
    .datetime({ offset: true, error: (issue) => wrongType(issue) ?? `${field} must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T12:00:00.000Z` })
    .refine((value) => {
      const time = Date.parse(value);
      // A malformed value was refused above already.
      return Number.isNaN(time) || (time >= EARLIEST && time <= LATEST);
    }, `${field} must be between the years 1970 and 9999`);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** The most characters a string takes as JSON: quoted, each character escaped at worst as `\\uXXXX`. */
const MAX_ESCAPED = 6;
/** The most characters a finite number takes as JSON (`-0.0000012345678901234567`). */
const MAX_NUMBER_CHARS = 25;
/** What a hole in an array takes as JSON (`null,`). */
const HOLE_CHARS = 5;

/**
 * What keeps `value` from being stored as JSON, or null. Walks without recursion, so that a deeply
 * nested value is refused by name rather than overflowing the stack. The walk also bounds the
 * value's length as JSON: only a value that might be too long is serialised to measure it exactly.
 */
function jsonProblem(field: string, value: unknown, maxChars: number): string | null {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let mostChars = 0;
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (typeof current.value === 'string') {
      if (!isStorableText(current.value)) return `${field} must hold valid Unicode text without NUL characters`;
      mostChars += current.value.length * MAX_ESCAPED + 2;
    } else if (typeof current.value === 'number') {
      if (!Number.isFinite(current.value)) return `${field} must hold finite numbers only`;
      mostChars += MAX_NUMBER_CHARS;
    } else if (Array.isArray(current.value) || isPlainObject(current.value)) {
      if (current.depth >= INGEST_LIMITS.jsonDepth) return `${field} must not be nested deeper than ${INGEST_LIMITS.jsonDepth} levels`;
      const isArray = Array.isArray(current.value);
      const entries = Object.entries(current.value);
      // Brackets, and a comma (or a key's quotes and colon) per entry; a sparse array's holes are written as null.
      mostChars += 2 + (isArray ? (current.value as unknown[]).length - entries.length : 0) * HOLE_CHARS;
      for (const [key, child] of entries) {
        if (!isArray && !isStorableText(key)) return `${field} must hold valid Unicode keys without NUL characters`;
        mostChars += isArray ? 1 : key.length * MAX_ESCAPED + 4;
        stack.push({ value: child, depth: current.depth + 1 });
      }
    } else if (current.value === null || typeof current.value === 'boolean') {
      mostChars += 5;
    } else {
      return `${field} must be a JSON value`;
    }
  }
  if (mostChars > maxChars && JSON.stringify(value).length > maxChars) return `${field} must be at most ${maxChars} characters as JSON`;
  return null;
}

/** Any JSON value (`input`, `output`), at most `maxChars` characters as JSON. */
function jsonValue(field: string, maxChars: number) {
  return z.custom<JsonValue>().superRefine((value, context) => {
    const problem = jsonProblem(field, value, maxChars);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
}

function jsonObject(field: string, maxChars: number) {
  return z.custom<JsonObject>().superRefine((value, context) => {
    const problem = isPlainObject(value) ? jsonProblem(field, value, maxChars) : `${field} must be a JSON object`;
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
}

// Unparseable times compare false here: they are refused by their own check.
const endsAfterStart = (body: { startTime?: string; endTime?: string }) =>
  body.startTime === undefined || body.endTime === undefined || !(Date.parse(body.endTime) < Date.parse(body.startTime));
const END_BEFORE_START = { message: 'endTime must not be before startTime', path: ['endTime'] };

export const traceStatusSchema = z.enum(['active', 'completed', 'error'], { error: 'status must be one of active, completed, error' });
export const spanTypeSchema = z.enum(['message', 'llm_call', 'tool_call'], { error: 'type must be one of message, llm_call, tool_call' });
export const spanRoleSchema = z.enum(['user', 'assistant', 'system', 'tool'], { error: 'role must be one of user, assistant, system, tool' });
export const spanStatusSchema = z.enum(['ok', 'error'], { error: 'status must be ok or error' });

export const traceBodySchema = z
  .strictObject({
    id: clientId('id'),
    name: text('name', INGEST_LIMITS.nameLength).optional(),
    promptKey: text('promptKey', INGEST_LIMITS.promptKeyLength, 1).optional(),
    promptVersion: wholeNumber('promptVersion', 1, 1_000_000_000).optional(),
    model: text('model', INGEST_LIMITS.modelLength).optional(),
    source: text('source', INGEST_LIMITS.sourceLength).optional(),
    userId: text('userId', INGEST_LIMITS.userIdLength).optional(),
    sessionId: text('sessionId', INGEST_LIMITS.userIdLength).optional(),
    tags: z
      .array(text('tags[]', INGEST_LIMITS.tagLength, 1), { error: typeError('tags', 'an array of strings') })
      .max(INGEST_LIMITS.tags, `tags must hold at most ${INGEST_LIMITS.tags} tags`)
      .optional(),
    metadata: jsonObject('metadata', INGEST_LIMITS.metadataChars).optional(),
    input: jsonValue('input', INGEST_LIMITS.contentChars).optional(),
    output: jsonValue('output', INGEST_LIMITS.contentChars).optional(),
    startTime: dateTime('startTime').optional(),
    endTime: dateTime('endTime').optional(),
    status: traceStatusSchema.optional(),
  }, { error: typeError('body', 'an object') })
  .refine(endsAfterStart, END_BEFORE_START);

export const tokenUsageSchema = z.strictObject(
  {
    inputTokens: wholeNumber('usage.inputTokens', 0, MAX_INT32).optional(),
    outputTokens: wholeNumber('usage.outputTokens', 0, MAX_INT32).optional(),
  },
  { error: typeError('usage', 'an object { inputTokens, outputTokens }') },
);

export const spanBodySchema = z
  .strictObject({
    id: clientId('id'),
    traceId: clientId('traceId'),
    parentSpanId: clientId('parentSpanId').optional(),
    type: spanTypeSchema.optional(),
    role: spanRoleSchema.optional(),
    name: text('name', INGEST_LIMITS.nameLength).optional(),
    input: jsonValue('input', INGEST_LIMITS.contentChars).optional(),
    output: jsonValue('output', INGEST_LIMITS.contentChars).optional(),
    model: text('model', INGEST_LIMITS.modelLength).optional(),
    usage: tokenUsageSchema.optional(),
    costUsd: z
      .number({ error: typeError('costUsd', 'a number') })
      .min(0, 'costUsd must not be negative')
      .max(1_000_000_000, 'costUsd must be at most 1000000000')
      .optional(),
    startTime: dateTime('startTime').optional(),
    endTime: dateTime('endTime').optional(),
    durationMs: wholeNumber('durationMs', 0, MAX_INT32).optional(),
    status: spanStatusSchema.optional(),
    metadata: jsonObject('metadata', INGEST_LIMITS.metadataChars).optional(),
  }, { error: typeError('body', 'an object') })
  .refine(endsAfterStart, END_BEFORE_START)
  .refine((body) => body.parentSpanId !== body.id, { message: 'parentSpanId must not be the span itself', path: ['parentSpanId'] });

function event<Type extends IngestEvent['type'], Body extends z.ZodType>(type: Type, body: Body) {
  return z.strictObject({
    id: clientId('id'),
    timestamp: dateTime('timestamp'),
    type: z.literal(type),
    body,
  });
}

const EVENT_TYPES = 'trace-create, trace-update, span-create, span-update';

export const ingestEventSchema = z.discriminatedUnion(
  'type',
  [event('trace-create', traceBodySchema), event('trace-update', traceBodySchema), event('span-create', spanBodySchema), event('span-update', spanBodySchema)],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? `type must be one of ${EVENT_TYPES}` : 'each event must be an object { id, timestamp, type, body }',
  },
);

export const ingestBatchSchema = z.strictObject({
  batch: z
    .array(ingestEventSchema, { error: typeError('batch', 'an array of events') })
    .min(1, 'batch must hold at least one event')
    .max(INGEST_LIMITS.batchEvents, `batch must hold at most ${INGEST_LIMITS.batchEvents} events`),
});

// Compile-time: the schemas accept and produce exactly the types of ./types.ts, which clients import
// without zod.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
true satisfies Same<z.input<typeof ingestEventSchema>, IngestEvent> & Same<z.output<typeof ingestEventSchema>, IngestEvent>;
