import type { IngestEvent, JsonObject, JsonValue, SpanBody, TraceBody } from '@forprompt/sdk/ingest';

/**
 * A batch's events reduced, in batch order, to one change per trace and per span, so that the SQL can
 * write each row once (set-based). Keys are the column names `jsonb_to_recordset` reads.
 */
export interface TraceChange {
  trace_id: string;
  name?: string;
  prompt_key?: string;
  version_number?: number;
  model?: string;
  source?: string;
  user_id?: string;
  session_id?: string;
  tags?: string[];
  metadata?: JsonObject;
  input?: JsonValue;
  output?: JsonValue;
  started_at?: string;
  ended_at?: string;
  status?: string;
}

export interface SpanChange {
  span_id: string;
  /** The trace of the span's first event (a stored span keeps its trace). */
  trace_id: string;
  /** The time of the span's first event: its start when none is given. */
  first_seen: string;
  parent_span_id?: string;
  type?: string;
  role?: string;
  name?: string;
  input?: JsonValue;
  output?: JsonValue;
  model?: string;
  input_tokens?: number;
  output_tokens?: number;
  cost?: number;
  duration_ms?: number;
  status?: string;
  metadata?: JsonObject;
  started_at?: string;
  ended_at?: string;
}

export interface FoldedBatch {
  /** Changes from trace events. */
  traces: TraceChange[];
  spans: SpanChange[];
  /** Every trace the batch touches, with the earliest time it mentions (the start of a trace it creates). */
  touched: Array<{ trace_id: string; earliest: string }>;
}

const iso = (value: string) => new Date(value).toISOString();
const isoOrUndefined = (value: string | undefined) => (value === undefined ? undefined : iso(value));

/** The fields that are set (JSON has no `undefined`; an absent field leaves the stored value alone). */
function setFields<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Later events overwrite earlier ones field by field; metadata keys merge. */
function merge<T extends { metadata?: JsonObject }>(earlier: T, later: Partial<T>): T {
  const metadata = earlier.metadata || later.metadata ? { ...earlier.metadata, ...later.metadata } : undefined;
  return { ...earlier, ...later, ...(metadata && { metadata }) };
}

function traceFields(body: TraceBody, startedAt: string | undefined): Partial<TraceChange> {
  return setFields({
    name: body.name,
    prompt_key: body.promptKey,
    version_number: body.promptVersion,
    model: body.model,
    source: body.source,
    user_id: body.userId,
    session_id: body.sessionId,
    tags: body.tags,
    metadata: body.metadata,
    input: body.input,
    output: body.output,
    started_at: isoOrUndefined(startedAt),
    ended_at: isoOrUndefined(body.endTime),
    status: body.status,
  });
}

function spanFields(body: SpanBody, startedAt: string | undefined): Partial<SpanChange> {
  return setFields({
    parent_span_id: body.parentSpanId,
    type: body.type,
    role: body.role,
    name: body.name,
    input: body.input,
    output: body.output,
    model: body.model,
    input_tokens: body.usage?.inputTokens,
    output_tokens: body.usage?.outputTokens,
    cost: body.costUsd,
    duration_ms: body.durationMs,
    status: body.status,
    metadata: body.metadata,
    started_at: isoOrUndefined(startedAt),
    ended_at: isoOrUndefined(body.endTime),
  });
}

export function foldEvents(events: IngestEvent[]): FoldedBatch {
  const traces = new Map<string, TraceChange>();
  const spans = new Map<string, SpanChange>();
  const earliest = new Map<string, string>();
  const mention = (traceId: string, time: string) => {
    const known = earliest.get(traceId);
    if (known === undefined || time < known) earliest.set(traceId, time);
  };

  for (const event of events) {
    const timestamp = iso(event.timestamp);
    // A create without a start time starts at the event; an update without one leaves the start alone.
    const startedAt = event.body.startTime ?? (event.type.endsWith('-create') ? event.timestamp : undefined);
    if (event.type === 'trace-create' || event.type === 'trace-update') {
      const { body } = event;
      mention(body.id, startedAt ? iso(startedAt) : timestamp);
      traces.set(body.id, merge(traces.get(body.id) ?? { trace_id: body.id }, traceFields(body, startedAt)));
    } else {
      const { body } = event;
      mention(body.traceId, startedAt ? iso(startedAt) : timestamp);
      const span = spans.get(body.id) ?? { span_id: body.id, trace_id: body.traceId, first_seen: timestamp };
      spans.set(body.id, merge(span, spanFields(body, startedAt)));
    }
  }
  return {
    traces: [...traces.values()],
    spans: [...spans.values()],
    touched: [...earliest].map(([traceId, time]) => ({ trace_id: traceId, earliest: time })),
  };
}
