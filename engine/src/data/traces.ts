/** The tracing part of the DataProvider contract (see provider.ts). */
import type { IngestEvent, JsonObject, JsonValue, SpanRole, SpanStatus, SpanType, TraceStatus } from '@forprompt/sdk/ingest';
import type { WriteContext } from './provider.js';

/** What became of one valid event: applied now, or seen before (a retry) and not applied again. */
export type IngestOutcome = 'applied' | 'duplicate';

/** A trace as the list shows it; ids are the client's. */
export interface TraceSummary {
  traceId: string;
  name: string | null;
  promptKey: string | null;
  promptVersion: number | null;
  model: string | null;
  source: string | null;
  status: TraceStatus;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  metadata: JsonObject;
  spanCount: number;
  errorCount: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** From the start to the end of the trace (or of its last span); null while nothing has ended. */
  latencyMs: number | null;
  startedAt: Date;
  endedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SpanView {
  spanId: string;
  traceId: string;
  parentSpanId: string | null;
  type: SpanType;
  role: SpanRole | null;
  name: string | null;
  input: JsonValue | null;
  output: JsonValue | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  durationMs: number | null;
  status: SpanStatus;
  metadata: JsonObject;
  startedAt: Date;
  endedAt: Date | null;
}

export interface TraceDetail extends TraceSummary {
  input: JsonValue | null;
  output: JsonValue | null;
  /** By start time (then span id). */
  spans: SpanView[];
}

/** Where a page of the trace list ends: the next page starts after it. */
export interface TraceCursor {
  startedAt: Date;
  /** Our id of the trace (ties in startedAt are broken by it). */
  id: string;
}

export interface TraceQuery {
  limit: number;
  after?: TraceCursor;
  promptKey?: string;
  promptVersion?: number;
  userId?: string;
  sessionId?: string;
  status?: TraceStatus;
  /** Traces started at or after `from`, and before `to`. */
  from?: Date;
  to?: Date;
}

/**
 * Traces and spans of a project, written by ingestion. Telemetry is not audited (it is data the
 * application sends, not a change anyone makes to the project).
 */
export interface TraceStore {
  /**
   * Applies validated events in one transaction, in batch order, and answers per event. Idempotent by
   * (project, event id): an id seen before — in an earlier batch, earlier in this one, or in a batch
   * committing concurrently — is a duplicate and changes nothing. A span whose trace does not exist
   * creates it (a placeholder the trace's own events fill in later). Trace counters (spans, errors,
   * tokens, cost, latency) always agree with the stored spans.
   */
  ingest(ctx: WriteContext, projectId: string, events: IngestEvent[]): Promise<IngestOutcome[]>;
  /** Newest first (by start time); each entry carries the cursor of the next page. */
  list(projectId: string, query: TraceQuery): Promise<Array<TraceSummary & { cursor: TraceCursor }>>;
  /** By the client's trace id; null when the project has no such trace. */
  get(projectId: string, traceId: string): Promise<TraceDetail | null>;
}
