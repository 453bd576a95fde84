import { z } from 'zod';
import { INGEST_LIMITS } from '@forprompt/sdk/ingest';
import { boundedDate, text } from '../http/fields.js';
import type { TraceCursor, TraceSort } from '../data/traces.js';

/**
 * The ingest body as the route checks it: only the envelope. Each event is validated on its own with
 * the SDK's shared schema (service.ts), so that one bad event does not refuse the batch.
 */
export const ingestEnvelope = z.strictObject({
  batch: z
    .array(z.unknown(), { error: 'batch must be an array of events' })
    .min(1, 'batch must hold at least one event')
    .max(INGEST_LIMITS.batchEvents, `batch must hold at most ${INGEST_LIMITS.batchEvents} events`),
});

const fieldIssue = z.object({ path: z.string(), message: z.string() });

export const ingestResponseView = z.object({
  results: z
    .array(
      z.object({
        id: z.string().nullable().describe("The event's id (null when it had no usable id)"),
        status: z.union([z.literal(201), z.literal(200), z.literal(400)]).describe('201 applied; 200 applied before (a retry), nothing applied twice; 400 invalid, do not retry'),
        error: z.object({ code: z.string(), message: z.string(), details: z.object({ issues: z.array(fieldIssue) }).optional() }).optional(),
      }),
    )
    .describe('One result per event, in the order of the batch'),
});

const traceStatus = z.enum(['active', 'completed', 'error']);
const jsonObject = z.record(z.string(), z.unknown());

export const traceIdParams = z.object({ traceId: text(INGEST_LIMITS.idLength).min(1, 'required') });

export const traceSorts = ['time', 'latency', 'cost'] as const satisfies readonly TraceSort[];

/** A keyset cursor: base64url of `<sort>|<sort key as exact text>|<uuid>` of a page's last trace. */
export const encodeTraceCursor = (sort: TraceSort, cursor: TraceCursor) => Buffer.from(`${sort}|${cursor.value}|${cursor.id}`).toString('base64url');

const traceCursor = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    const [sort, key, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
    if (!traceSorts.includes(sort as TraceSort) || !/^-?\d{1,20}(\.\d{1,12})?$/.test(key ?? '') || !z.uuid().safeParse(id).success) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor from a previous page' });
      return z.NEVER;
    }
    return { sort: sort as TraceSort, value: key!, id: id! };
  });

/** `a,b` or repeated `?tags=a&tags=b`; issues name the field, not an element. */
const tagList = z.union([z.string(), z.array(z.string())]).transform((value, ctx) => {
  const tags = (Array.isArray(value) ? value : value.split(',')).map((tag) => tag.trim()).filter((tag) => tag.length > 0);
  if (tags.length > 20 || tags.some((tag) => tag.length > INGEST_LIMITS.tagLength || tag.includes('\u0000'))) {
    ctx.addIssue({ code: 'custom', message: `at most 20 tags of at most ${INGEST_LIMITS.tagLength} characters, without NUL` });
    return z.NEVER;
  }
  return tags;
});

export const traceListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** Newest (`time`), slowest (`latency`) or most expensive (`cost`) first. */
    sort: z.enum(traceSorts).default('time'),
    /** The `nextCursor` of the previous page (with the same sort). */
    cursor: traceCursor.optional(),
    promptKey: text(INGEST_LIMITS.promptKeyLength).optional(),
    model: text(200).optional(),
    tags: tagList.optional(),
    /** Words the trace's or a span's content must all contain. */
    search: text(200).transform((value) => value.trim()).optional(),
    promptVersion: z.coerce.number().int().min(1).max(1_000_000_000, 'at most 1000000000').optional(),
    userId: text(INGEST_LIMITS.userIdLength).optional(),
    sessionId: text(INGEST_LIMITS.userIdLength).optional(),
    status: traceStatus.optional(),
    /** Traces started at or after this time. */
    from: boundedDate.optional(),
    /** Traces started before this time. */
    to: boundedDate.optional(),
  })
  .refine((query) => !(query.from && query.to && query.from > query.to), { message: 'must not be before from', path: ['to'] })
  .refine((query) => !query.cursor || query.cursor.sort === query.sort, { message: 'belongs to another sort order', path: ['cursor'] });

export const traceSummaryView = z.object({
  traceId: z.string().describe("Your trace id"),
  name: z.string().nullable(),
  promptKey: z.string().nullable(),
  promptVersion: z.int().nullable(),
  model: z.string().nullable().describe("The model the trace was sent with, else that of its earliest span naming one"),
  source: z.string().nullable(),
  status: traceStatus.describe('`error` when any span failed'),
  userId: z.string().nullable(),
  sessionId: z.string().nullable(),
  tags: z.array(z.string()),
  metadata: jsonObject,
  spanCount: z.int(),
  errorCount: z.int().describe('Spans with status `error`'),
  inputTokens: z.int(),
  outputTokens: z.int(),
  costUsd: z.number(),
  latencyMs: z.int().nullable().describe('From the start to the end of the trace, or of its last span'),
  startedAt: z.date(),
  endedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const spanView = z.object({
  spanId: z.string(),
  traceId: z.string(),
  parentSpanId: z.string().nullable(),
  type: z.enum(['message', 'llm_call', 'tool_call']),
  role: z.enum(['user', 'assistant', 'system', 'tool']).nullable(),
  name: z.string().nullable(),
  input: z.unknown().describe('Any JSON (null when none)'),
  output: z.unknown().describe('Any JSON (null when none)'),
  model: z.string().nullable(),
  inputTokens: z.int().nullable(),
  outputTokens: z.int().nullable(),
  costUsd: z.number().nullable(),
  durationMs: z.int().nullable(),
  status: z.enum(['ok', 'error']),
  metadata: jsonObject,
  startedAt: z.date(),
  endedAt: z.date().nullable(),
});

export const tracePageView = z.object({ traces: z.array(traceSummaryView), nextCursor: z.string().nullable() });

export const traceDetailView = traceSummaryView.extend({
  input: z.unknown().describe('Any JSON (null when none)'),
  output: z.unknown().describe('Any JSON (null when none)'),
  spans: z.array(spanView).describe('By start time; nest them by parentSpanId'),
});
