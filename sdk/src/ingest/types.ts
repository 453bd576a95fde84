/**
 * The tracing wire format of `POST /api/v1/ingest`, as plain TypeScript: the SDK's tracing client
 * imports this module without pulling in zod. The zod schemas the engine validates with live beside it
 * (`./schema.ts`, published as `@forprompt/sdk/ingest`) and are checked at compile time to accept
 * exactly these types.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type TraceStatus = 'active' | 'completed' | 'error';
/** The original ForPrompt's three kinds of span. */
export type SpanType = 'message' | 'llm_call' | 'tool_call';
export type SpanRole = 'user' | 'assistant' | 'system' | 'tool';
export type SpanStatus = 'ok' | 'error';

/**
 * The bounds the engine enforces; a client can batch and trim to them. Sizes of JSON values are
 * counted in characters of their JSON text.
 */
export const INGEST_LIMITS = {
  /** Events per request. */
  batchEvents: 1_000,
  /** Bytes per request body. */
  batchBytes: 5 * 1024 * 1024,
  /** Event, trace and span ids (client-generated). */
  idLength: 128,
  /** `input` and `output`, each. */
  contentChars: 1024 * 1024,
  metadataChars: 64 * 1024,
  /** Nesting of objects and arrays in any JSON value. */
  jsonDepth: 32,
  nameLength: 500,
  promptKeyLength: 128,
  modelLength: 200,
  sourceLength: 100,
  /** `userId` and `sessionId`. */
  userIdLength: 256,
  tags: 50,
  tagLength: 100,
} as const;

/**
 * A trace: one run of your application (a conversation, a request). Every field but `id` is optional;
 * on `trace-update` (and on a `trace-create` for a trace that exists) the fields sent replace the stored
 * ones, `metadata` keys are merged, and fields left out keep their values.
 */
export interface TraceBody {
  /** Your trace id, unique in the project (1–128 characters). */
  id: string;
  name?: string;
  /** The prompt this trace ran, and which version of it. */
  promptKey?: string;
  promptVersion?: number;
  model?: string;
  /** Where the trace comes from, e.g. `production`, `staging`, `sdk`. */
  source?: string;
  userId?: string;
  sessionId?: string;
  tags?: string[];
  metadata?: JsonObject;
  input?: JsonValue;
  output?: JsonValue;
  /** ISO 8601 with a time zone, e.g. `2025-01-31T12:00:00.000Z`. Defaults to the event's timestamp on create. */
  startTime?: string;
  endTime?: string;
  status?: TraceStatus;
}

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
}

/**
 * A span: one step of a trace (a message, an LLM call, a tool call), nested by `parentSpanId`. A span
 * whose trace does not exist yet creates it; the trace's own `trace-create` fills it in later.
 */
export interface SpanBody {
  /** Your span id, unique in the project (1–128 characters). */
  id: string;
  /** Your id of the trace the span belongs to. */
  traceId: string;
  parentSpanId?: string;
  /** Stored as `message` when a new span leaves it out. */
  type?: SpanType;
  role?: SpanRole;
  name?: string;
  input?: JsonValue;
  output?: JsonValue;
  model?: string;
  usage?: TokenUsage;
  /** When left out, computed from `usage` and the engine's price for `model` (if it has one). */
  costUsd?: number;
  /** Defaults to the event's timestamp on create. */
  startTime?: string;
  endTime?: string;
  /** Computed from `startTime` and `endTime` when left out. */
  durationMs?: number;
  status?: SpanStatus;
  metadata?: JsonObject;
}

interface EventEnvelope<Type extends string, Body> {
  /** Client-generated, unique per project (1–128 characters): the idempotency key of the event. */
  id: string;
  /** When the event happened (ISO 8601 with a time zone). */
  timestamp: string;
  type: Type;
  body: Body;
}

export type TraceCreateEvent = EventEnvelope<'trace-create', TraceBody>;
export type TraceUpdateEvent = EventEnvelope<'trace-update', TraceBody>;
export type SpanCreateEvent = EventEnvelope<'span-create', SpanBody>;
export type SpanUpdateEvent = EventEnvelope<'span-update', SpanBody>;
export type IngestEvent = TraceCreateEvent | TraceUpdateEvent | SpanCreateEvent | SpanUpdateEvent;
export type IngestEventType = IngestEvent['type'];

/** The body of `POST /api/v1/ingest`: 1–1,000 events, at most 5 MB. */
export interface IngestBatch {
  batch: IngestEvent[];
}

/**
 * One event's outcome, in the order of the batch: 201 applied, 200 already applied earlier (a retry;
 * nothing was applied twice), 400 refused as invalid (do not retry it: it will be refused again).
 */
export interface IngestResult {
  /** The event's id; null when the event had no usable id. */
  id: string | null;
  status: 201 | 200 | 400;
  error?: { code: string; message: string; details?: { issues: Array<{ path: string; message: string }> } };
}

/** The 207 answer of `POST /api/v1/ingest`. */
export interface IngestResponse {
  results: IngestResult[];
}
