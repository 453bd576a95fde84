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
  /** The id of the batch's first span-create event of the span, stored with it (a retry of it is a duplicate). */
  create_event_id?: string;
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

/** Validated times are ISO 8601 already; most are in the canonical form, which needs no Date round trip. */
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const iso = (value: string) => (CANONICAL_TIME.test(value) ? value : new Date(value).toISOString());

/** Sets a field the event sent (JSON has no `undefined`: an absent field leaves the stored value alone). */
function set<T, K extends keyof T>(change: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) change[key] = value;
}

/** Later events overwrite earlier ones field by field; metadata keys merge. */
function mergeMetadata(change: { metadata?: JsonObject }, metadata: JsonObject | undefined): void {
  if (metadata !== undefined) change.metadata = change.metadata === undefined ? metadata : { ...change.metadata, ...metadata };
}

function applyTrace(change: TraceChange, body: TraceBody, startedAt: string | undefined): void {
  set(change, 'name', body.name);
  set(change, 'prompt_key', body.promptKey);
  set(change, 'version_number', body.promptVersion);
  set(change, 'model', body.model);
  set(change, 'source', body.source);
  set(change, 'user_id', body.userId);
  set(change, 'session_id', body.sessionId);
  set(change, 'tags', body.tags);
  mergeMetadata(change, body.metadata);
  set(change, 'input', body.input);
  set(change, 'output', body.output);
  if (startedAt !== undefined) change.started_at = iso(startedAt);
  if (body.endTime !== undefined) change.ended_at = iso(body.endTime);
  set(change, 'status', body.status);
}

function applySpan(change: SpanChange, body: SpanBody, startedAt: string | undefined): void {
  set(change, 'parent_span_id', body.parentSpanId);
  set(change, 'type', body.type);
  set(change, 'role', body.role);
  set(change, 'name', body.name);
  set(change, 'input', body.input);
  set(change, 'output', body.output);
  set(change, 'model', body.model);
  set(change, 'input_tokens', body.usage?.inputTokens);
  set(change, 'output_tokens', body.usage?.outputTokens);
  set(change, 'cost', body.costUsd);
  set(change, 'duration_ms', body.durationMs);
  set(change, 'status', body.status);
  mergeMetadata(change, body.metadata);
  if (startedAt !== undefined) change.started_at = iso(startedAt);
  if (body.endTime !== undefined) change.ended_at = iso(body.endTime);
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
      let change = traces.get(body.id);
      if (change === undefined) traces.set(body.id, (change = { trace_id: body.id }));
      applyTrace(change, body, startedAt);
    } else {
      const { body } = event;
      mention(body.traceId, startedAt ? iso(startedAt) : timestamp);
      let change = spans.get(body.id);
      if (change === undefined) spans.set(body.id, (change = { span_id: body.id, trace_id: body.traceId, first_seen: timestamp }));
      if (event.type === 'span-create') change.create_event_id ??= event.id;
      applySpan(change, body, startedAt);
    }
  }
  return {
    traces: [...traces.values()],
    spans: [...spans.values()],
    touched: [...earliest].map(([traceId, time]) => ({ trace_id: traceId, earliest: time })),
  };
}
