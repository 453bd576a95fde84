import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { INGEST_LIMITS, type IngestEvent, type JsonObject, type JsonValue } from '@forprompt/sdk/ingest';
import { apiKeyOf } from '../access/context.js';
import { requestContext } from '../auth/session-cookie.js';
import type { SpanView, TraceSummary } from '../data/traces.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { text } from '../http/fields.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import { ingestBatch } from './service.js';

/**
 * The original ForPrompt's logging API (`POST /api/log`, `GET /api/logs`, `GET /api/logs/:traceId`),
 * kept for its SDK and scripts, on top of the same ingestion and query paths as `/api/v1`. Unlike the
 * original, a trace is read only through its own project's key. Times are milliseconds since the epoch.
 */
const tags = ['original ForPrompt API'];
const LIMITS = {
  log: { bucket: 'compat-log', limit: 500, windowSeconds: 60 },
  read: { bucket: 'compat-log-read', limit: 200, windowSeconds: 60 },
} as const;

const required = (schema: z.ZodString) => schema.min(1, 'required');
const count = z.number().int().min(0).max(2_147_483_647);

const logBody = z.object({
  traceId: required(text(INGEST_LIMITS.idLength)),
  promptKey: required(text(INGEST_LIMITS.promptKeyLength)),
  type: z.enum(['message', 'llm_call', 'tool_call']),
  versionNumber: z.number().int().min(1).max(1_000_000_000).optional(),
  role: z.enum(['user', 'assistant', 'system', 'tool']).optional(),
  content: text(INGEST_LIMITS.contentChars).optional(),
  model: text(INGEST_LIMITS.modelLength).optional(),
  inputTokens: count.optional(),
  outputTokens: count.optional(),
  durationMs: count.optional(),
  source: text(INGEST_LIMITS.sourceLength).optional(),
  /** A JSON string, as the original took it. */
  metadata: text(INGEST_LIMITS.metadataChars).optional(),
  /** Ours, not the original's: the span's id, chosen by the client, which makes a retry log nothing twice. */
  spanId: text(INGEST_LIMITS.idLength).min(1, 'must not be empty').optional(),
});
type LogBody = z.output<typeof logBody>;

const logResultView = z.object({ spanId: z.string(), traceId: z.string() });

const compatTraceView = z.object({
  traceId: z.string(),
  promptKey: z.string().nullable(),
  versionNumber: z.int().nullable(),
  model: z.string().nullable(),
  source: z.string().nullable(),
  status: z.enum(['active', 'completed', 'error']),
  spanCount: z.int(),
  inputTokens: z.int(),
  outputTokens: z.int(),
  createdAt: z.int().describe('Milliseconds since the epoch'),
  updatedAt: z.int().describe('Milliseconds since the epoch'),
});

const compatSpanView = z.object({
  spanId: z.string(),
  traceId: z.string(),
  type: z.enum(['message', 'llm_call', 'tool_call']),
  role: z.string().nullable(),
  content: z.string().nullable().describe('The message (the input, or the output of an assistant span)'),
  model: z.string().nullable(),
  inputTokens: z.int().nullable(),
  outputTokens: z.int().nullable(),
  durationMs: z.int().nullable(),
  metadata: z.string().nullable().describe('JSON text'),
  createdAt: z.int().describe('Milliseconds since the epoch (the span start)'),
});

/** The original sent metadata as JSON text: an object is kept as it is, anything else under `metadata`. */
function metadataOf(raw: string | undefined): JsonObject | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed = JSON.parse(raw) as JsonValue;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // Not JSON: kept as text.
  }
  return { metadata: raw };
}

/** One logged span as events: its trace (created on the first span; its fields refreshed) and the span. */
function eventsOfLog(body: LogBody, spanId: string, now: string): IngestEvent[] {
  const metadata = metadataOf(body.metadata);
  const usage = body.inputTokens !== undefined || body.outputTokens !== undefined ? { inputTokens: body.inputTokens, outputTokens: body.outputTokens } : undefined;
  return [
    {
      id: `log:${spanId}:trace`,
      timestamp: now,
      type: 'trace-create',
      body: {
        id: body.traceId,
        promptKey: body.promptKey,
        ...(body.versionNumber !== undefined && { promptVersion: body.versionNumber }),
        ...(body.model && { model: body.model }),
        ...(body.source && { source: body.source }),
      },
    },
    {
      id: `log:${spanId}`,
      timestamp: now,
      type: 'span-create',
      body: {
        id: spanId,
        traceId: body.traceId,
        type: body.type,
        ...(body.role && { role: body.role }),
        ...(body.content !== undefined && (body.role === 'assistant' ? { output: body.content } : { input: body.content })),
        ...(body.model && { model: body.model }),
        ...(usage && { usage }),
        ...(body.durationMs !== undefined && { durationMs: body.durationMs }),
        ...(metadata && { metadata }),
      },
    },
  ];
}

/** A span id derived from an Idempotency-Key header (any text up to 200 characters), or undefined without one. */
function spanIdOf(idempotencyKey: string | undefined): string | undefined {
  if (!idempotencyKey) return undefined;
  if (idempotencyKey.length > 200) throw new ValidationError('Idempotency-Key must be at most 200 characters', [{ path: 'headers.idempotency-key', message: 'at most 200 characters' }]);
  return `log-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`;
}

function compatTrace(trace: TraceSummary) {
  return {
    traceId: trace.traceId,
    promptKey: trace.promptKey,
    versionNumber: trace.promptVersion,
    model: trace.model,
    source: trace.source,
    status: trace.status,
    spanCount: trace.spanCount,
    inputTokens: trace.inputTokens,
    outputTokens: trace.outputTokens,
    createdAt: trace.createdAt.getTime(),
    updatedAt: trace.updatedAt.getTime(),
  };
}

const asText = (value: JsonValue | null) => (value === null ? null : typeof value === 'string' ? value : JSON.stringify(value));

function compatSpan(span: SpanView) {
  return {
    spanId: span.spanId,
    traceId: span.traceId,
    type: span.type,
    role: span.role,
    content: asText(span.role === 'assistant' ? (span.output ?? span.input) : (span.input ?? span.output)),
    model: span.model,
    inputTokens: span.inputTokens,
    outputTokens: span.outputTokens,
    durationMs: span.durationMs,
    metadata: Object.keys(span.metadata).length > 0 ? JSON.stringify(span.metadata) : null,
    createdAt: span.startedAt.getTime(),
  };
}

export function logCompatRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/log',
      surface: 'compat',
      auth: 'apiKey',
      rateLimit: LIMITS.log,
      summary: 'Log one span (a message, LLM call or tool call); the trace is created with its first span',
      description:
        'As the original. A retry is safe when the request names its span: a `spanId` in the body, or an `Idempotency-Key` header ' +
        '(the span id is derived from it); the same span logged again is answered the same and stored once. Without either, each ' +
        'request logs a new span.',
      tags,
      request: { body: logBody },
      responses: {
        200: { description: 'Logged (or logged before, for a retry)', schema: logResultView },
        429: { description: `More than ${LIMITS.log.limit} requests in ${LIMITS.log.windowSeconds} s with this key, or the engine is busy writing other batches; retry after Retry-After seconds` },
      },
      handler: async ({ body }, { req, res, services }) => {
        const { projectId, apiKeyId } = apiKeyOf(res);
        const spanId = body.spanId ?? spanIdOf(req.get('idempotency-key')) ?? randomUUID();
        const { results } = await ingestBatch(services, requestContext(req, { type: 'api_key', apiKeyId }), projectId, eventsOfLog(body, spanId, new Date().toISOString()));
        const refused = results.find((result) => result.status === 400);
        if (refused) throw new ValidationError(refused.error?.message ?? 'Invalid log entry', refused.error?.details?.issues ?? []);
        return { spanId, traceId: body.traceId };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/logs',
      surface: 'compat',
      auth: 'apiKey',
      rateLimit: LIMITS.read,
      summary: "The project's traces, newest first",
      tags,
      request: { query: z.object({ promptKey: text(INGEST_LIMITS.promptKeyLength).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: { 200: { description: 'Traces', schema: z.object({ traces: z.array(compatTraceView) }) } },
      handler: async ({ query }, { res, services }) => {
        const page = await services.provider.traces.list(apiKeyOf(res).projectId, { limit: query.limit, ...(query.promptKey && { promptKey: query.promptKey }) });
        return { traces: page.map(compatTrace) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/logs/:traceId',
      surface: 'compat',
      auth: 'apiKey',
      rateLimit: LIMITS.read,
      summary: 'A trace of the project with its spans',
      tags,
      request: { params: z.object({ traceId: required(text(INGEST_LIMITS.idLength)) }) },
      responses: {
        200: { description: 'The trace and its spans', schema: z.object({ trace: compatTraceView, spans: z.array(compatSpanView) }) },
        404: { description: 'The project has no trace with this id (trace_not_found)' },
      },
      handler: async ({ params }, { res, services }) => {
        const trace = await services.provider.traces.get(apiKeyOf(res).projectId, params.traceId);
        if (!trace) throw new NotFoundError('Trace', 'trace_not_found');
        return { trace: compatTrace(trace), spans: trace.spans.map(compatSpan) };
      },
    }),
  ];
}
