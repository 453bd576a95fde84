/** The tracing part of the DataProvider contract (see provider.ts). */
import type { IngestEvent, JsonObject, JsonValue, SpanRole, SpanStatus, SpanType, TraceStatus } from '@forprompt/sdk/ingest';
import type { WriteContext } from './provider.js';

/**
 * At most this many ingest transactions run at once in this process; a batch beyond them is answered
 * 429 with Retry-After at once, so a slow database makes clients back off (the SDK keeps the batch
 * and retries) instead of the engine holding batches in memory (issue 7). A provider may give
 * ingestion a pool of its own of this size, so reads and sign-ins never wait behind it.
 */
export const MAX_CONCURRENT_INGESTS = 6;

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

/** The trace list's orders, each descending: newest, slowest, most expensive first. */
export type TraceSort = 'time' | 'latency' | 'cost';

/**
 * Where a page of the trace list ends: the next page starts after it. `value` is the sort key of the
 * page's last trace as exact text (its start time in microseconds since the epoch for `time`; latency
 * ms, -1 when none; cost in USD).
 */
export interface TraceCursor {
  value: string;
  /** Our id of the trace (ties in the sort key are broken by it). */
  id: string;
}

export interface TraceQuery {
  limit: number;
  sort?: TraceSort;
  after?: TraceCursor;
  promptKey?: string;
  promptVersion?: number;
  model?: string;
  userId?: string;
  sessionId?: string;
  status?: TraceStatus;
  /** Traces carrying all of these tags. */
  tags?: string[];
  /** Words that the trace's or one of its spans' content (input, output, text) must all contain. */
  search?: string;
  /** Traces started at or after `from`, and before `to`. */
  from?: Date;
  to?: Date;
}

/** A price per million tokens for models matching `modelPattern` (an exact name, or `*` as a wildcard). */
export interface ModelPrice {
  id: string;
  /** `organization`: the organization's own, editable by its admins; `default`: the instance's. */
  scope: 'organization' | 'default';
  modelPattern: string;
  inputPricePerMillion: number;
  outputPricePerMillion: number;
  updatedAt: Date;
}

export interface ModelPriceInput {
  modelPattern: string;
  inputPricePerMillion: number;
  outputPricePerMillion: number;
}

/** The project a dashboard write acts in (audit entries name its organization). */
export interface ProjectScope {
  organizationId: string;
  projectId: string;
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
  /** In the query's order (newest first by default); each entry carries the cursor of the next page. */
  list(projectId: string, query: TraceQuery): Promise<Array<TraceSummary & { cursor: TraceCursor }>>;
  /** By the client's trace id; null when the project has no such trace. */
  get(projectId: string, traceId: string): Promise<TraceDetail | null>;
  /** Deletes one trace and its spans (audited); NotFoundError when the project has no such trace. */
  delete(ctx: WriteContext, scope: ProjectScope, traceId: string): Promise<void>;
  /** Deletes every trace of the project (audited once); answers how many went. */
  clear(ctx: WriteContext, scope: ProjectScope): Promise<number>;
  /**
   * Retention: deletes, a batch at a time, traces older than their project's `retentionDays`, and
   * ingested event ids older than `eventIdsBefore` (past any client's retry window). Not audited:
   * the project's setting is the record.
   */
  purgeExpired(options: { eventIdsBefore: Date; batchSize?: number }): Promise<{ traces: number; eventIds: number }>;
  /** The project's `retentionDays` (null: forever). */
  retention(projectId: string): Promise<number | null>;
  setRetention(ctx: WriteContext, scope: ProjectScope, retentionDays: number | null): Promise<void>;
  /** The organization's prices, then the instance defaults it does not override, by pattern. */
  listPrices(organizationId: string): Promise<ModelPrice[]>;
  /** Audited; ConflictError when the organization already prices this pattern. */
  createPrice(ctx: WriteContext, organizationId: string, input: ModelPriceInput): Promise<ModelPrice>;
  /** Only the organization's own rows; NotFoundError otherwise. */
  updatePrice(ctx: WriteContext, organizationId: string, priceId: string, input: Partial<ModelPriceInput>): Promise<ModelPrice>;
  deletePrice(ctx: WriteContext, organizationId: string, priceId: string): Promise<void>;
}
