import { INGEST_LIMITS, type IngestEventType, type JsonObject, type JsonValue, type SpanBody, type SpanRole, type SpanStatus, type SpanType, type TraceBody, type TraceStatus } from '../ingest/types.js';
import type { Prompt } from '../prompt.js';
import { randomId } from './ids.js';

/** Times as recorded: ISO text, or milliseconds since the epoch (formatted when sent, off the caller's path). */
type Timed<Body> = Omit<Body, 'startTime' | 'endTime'> & { startTime?: string | number | undefined; endTime?: string | number | undefined };
export type PendingBody = Timed<TraceBody> | Timed<SpanBody>;

/**
 * Hands an event to the queue, which gives it its id and timestamp; never throws, never waits. A
 * create event without `startTime` starts at the event's timestamp (the engine's default).
 */
export type Emit = (type: IngestEventType, body: PendingBody) => void;

/** Token counts: the SDK's names, the original SDK's (`input`/`output`) or OpenAI's (`prompt_tokens`/`completion_tokens`). */
export interface UsageInput {
  inputTokens?: number;
  outputTokens?: number;
  input?: number;
  output?: number;
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** A Date, ISO 8601 text, or milliseconds since the epoch. */
type Time = Date | string | number;

export interface TraceOptions {
  /** Your id for the trace (default: a random UUID). */
  id?: string;
  name?: string;
  /** The prompt this trace runs: sets `promptKey` and `version` from it. */
  prompt?: Prompt;
  promptKey?: string;
  /** The prompt's version. */
  version?: number;
  model?: string;
  source?: string;
  userId?: string;
  sessionId?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  input?: unknown;
  output?: unknown;
  startTime?: Time;
}

export interface TraceUpdate extends Omit<TraceOptions, 'id' | 'startTime' | 'prompt'> {
  status?: TraceStatus;
  endTime?: Time;
}

export interface SpanOptions {
  id?: string;
  name?: string;
  /** `message` (default), `llm_call` or `tool_call`. */
  type?: SpanType;
  role?: SpanRole;
  input?: unknown;
  output?: unknown;
  model?: string;
  usage?: UsageInput;
  costUsd?: number;
  durationMs?: number;
  startTime?: Time;
  endTime?: Time;
  status?: SpanStatus;
  metadata?: Record<string, unknown>;
}

export type GenerationOptions = Omit<SpanOptions, 'type'>;
export type ToolCallOptions = Omit<SpanOptions, 'type'> & { name: string };
export type SpanEnd = Pick<SpanOptions, 'output' | 'usage' | 'costUsd' | 'status' | 'metadata' | 'endTime'>;

function timeOf(time: Time | undefined): string | number | undefined {
  return time instanceof Date ? time.getTime() : time;
}

function clip(text: string | undefined, max: number): string | undefined {
  return text === undefined || text.length <= max ? text : text.slice(0, max);
}

/** Strings past the engine's limit are cut (with a marker) rather than having the whole event refused. */
function content(value: unknown): JsonValue | undefined {
  if (typeof value === 'string' && value.length > INGEST_LIMITS.contentChars) return `${value.slice(0, INGEST_LIMITS.contentChars - 20)}… [truncated]`;
  return value as JsonValue | undefined;
}

function usageOf(usage: UsageInput | undefined): SpanBody['usage'] {
  if (!usage) return undefined;
  return { inputTokens: usage.inputTokens ?? usage.input ?? usage.prompt_tokens, outputTokens: usage.outputTokens ?? usage.output ?? usage.completion_tokens };
}

function spanBody(options: SpanOptions, type: SpanType | undefined, id: string, traceId: string, parentSpanId: string | undefined): Timed<SpanBody> {
  return {
    id,
    traceId,
    parentSpanId,
    type,
    role: options.role,
    name: clip(options.name, INGEST_LIMITS.nameLength),
    input: content(options.input),
    output: content(options.output),
    model: clip(options.model, INGEST_LIMITS.modelLength),
    usage: usageOf(options.usage),
    costUsd: options.costUsd,
    startTime: timeOf(options.startTime),
    endTime: timeOf(options.endTime),
    durationMs: options.durationMs,
    status: options.status,
    metadata: options.metadata as JsonObject | undefined,
  };
}

/** A span: one step of a trace. Child spans nest under it; `end()` records its end time and output. */
export class Span {
  constructor(
    private readonly emit: Emit,
    readonly id: string,
    readonly traceId: string,
  ) {}

  span(options: SpanOptions = {}): Span {
    return record(this.emit, this.traceId, this.id, options, options?.type);
  }

  generation(options: GenerationOptions = {}): Span {
    return record(this.emit, this.traceId, this.id, options, 'llm_call');
  }

  toolCall(options: ToolCallOptions): Span {
    return record(this.emit, this.traceId, this.id, options, 'tool_call');
  }

  update(options: Omit<SpanOptions, 'id'>): this {
    this.emit('span-update', spanBody(options ?? {}, options?.type, this.id, this.traceId, undefined));
    return this;
  }

  end(options: SpanEnd = {}): void {
    this.update({ ...options, endTime: options?.endTime ?? Date.now() });
  }
}

function record(emit: Emit, traceId: string, parentSpanId: string | undefined, options: SpanOptions | undefined, type: SpanType | undefined): Span {
  const given = options ?? {};
  const id = given.id ?? randomId();
  emit('span-create', spanBody(given, type, id, traceId, parentSpanId));
  return new Span(emit, id, traceId);
}

function traceBody(id: string, options: TraceUpdate & { startTime?: Time }): Timed<TraceBody> {
  return {
    id,
    name: clip(options.name, INGEST_LIMITS.nameLength),
    promptKey: options.promptKey,
    promptVersion: options.version,
    model: clip(options.model, INGEST_LIMITS.modelLength),
    source: clip(options.source, INGEST_LIMITS.sourceLength),
    userId: clip(options.userId, INGEST_LIMITS.userIdLength),
    sessionId: clip(options.sessionId, INGEST_LIMITS.userIdLength),
    tags: options.tags,
    metadata: options.metadata as JsonObject | undefined,
    input: content(options.input),
    output: content(options.output),
    startTime: timeOf(options.startTime),
    endTime: timeOf(options.endTime),
    status: options.status,
  };
}

/**
 * A trace: one run of your application. Recording is synchronous and never throws or waits: events
 * are queued and sent in batches.
 */
export class Trace {
  readonly id: string;

  constructor(
    private readonly emit: Emit,
    options: TraceOptions = {},
  ) {
    const given = options ?? {};
    this.id = given.id ?? randomId();
    const promptFields = given.prompt && !given.prompt.isFallback ? { promptKey: given.prompt.key, version: given.prompt.version } : given.prompt ? { promptKey: given.prompt.key } : {};
    this.emit('trace-create', traceBody(this.id, { ...given, ...promptFields }));
  }

  /** A step (default type `message`); nest with `span.span(…)`. */
  span(options: SpanOptions = {}): Span {
    return record(this.emit, this.id, undefined, options, options?.type);
  }

  /** An LLM call (`llm_call`): model, input, output, usage, duration. */
  generation(options: GenerationOptions = {}): Span {
    return record(this.emit, this.id, undefined, options, 'llm_call');
  }

  /** A tool call (`tool_call`). */
  toolCall(options: ToolCallOptions): Span {
    return record(this.emit, this.id, undefined, options, 'tool_call');
  }

  update(options: TraceUpdate): this {
    this.emit('trace-update', traceBody(this.id, options ?? {}));
    return this;
  }

  /** Marks the trace completed (or `status: 'error'`), with its end time and output. */
  end(options: Pick<TraceUpdate, 'output' | 'status' | 'metadata' | 'endTime'> = {}): void {
    this.update({ ...options, status: options?.status ?? 'completed', endTime: options?.endTime ?? Date.now() });
  }
}
