import type { SdkLogger } from '../config.js';
import { isUnreachable, type APIError } from '../errors.js';
import type { HttpClient } from '../http.js';
import { INGEST_LIMITS, type IngestEventType, type IngestResponse } from '../ingest/types.js';
import type { Redactor } from '../redact.js';
import { Deque } from './deque.js';
import { randomId } from './ids.js';
import type { PendingBody } from './trace.js';

/** An event as queued: times are milliseconds until it is serialised for sending. */
interface PendingEvent {
  id: string;
  timestamp: number;
  type: IngestEventType;
  body: PendingBody;
}

export interface QueueSettings {
  flushAt: number;
  flushIntervalMs: number;
  maxQueueSize: number;
}

export interface TracingStats {
  /** Events waiting to be sent. */
  queued: number;
  /** Events the engine accepted (including repeats it recognised by id). */
  sent: number;
  /** Events refused as invalid — by the engine (a 400 in its 207 answer), or here when not serialisable or over the size limit: reported once, never retried. */
  refused: number;
  /** Oldest events dropped because the queue was full while the engine was unreachable. */
  dropped: number;
}

const MAX_RETRY_BACKOFF_MS = 30_000;
/** `{"batch":[` … `]}` */
const ENVELOPE_BYTES = 12;

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

type Delivery = 'delivered' | 'retry' | 'split';

/**
 * The tracing queue: `push` is synchronous and cheap (nothing is serialised or sent on the caller's
 * path). Batches go to `POST /api/v1/ingest` when `flushAt` events are queued or `flushIntervalMs`
 * after the first; one batch is in flight at a time. A batch that could not be delivered goes back to
 * the front (its events keep their ids, so the engine applies a resent one only once) and is retried
 * with backoff; the queue is bounded and drops the oldest events when full.
 */
export class EventQueue {
  readonly #events = new Deque<PendingEvent>();
  readonly #stats = { sent: 0, refused: 0, dropped: 0 };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryDelayMs = 0;
  #draining: Promise<void> | undefined;
  #warnedFull = false;
  readonly #reported = new Set<string>();
  readonly #idPrefix = randomId();
  #counter = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly settings: QueueSettings,
    private readonly redactor: Redactor | null,
    private readonly logger: SdkLogger,
  ) {}

  get stats(): TracingStats {
    return { queued: this.#events.length, ...this.#stats };
  }

  /** Queues an event, giving it a unique id (a random prefix per client and a counter: cheap, and unique across processes). */
  push(type: IngestEventType, body: PendingBody): void {
    this.#events.push({ id: `${this.#idPrefix}-${(++this.#counter).toString(36)}`, timestamp: Date.now(), type, body });
    this.#enforceBound();
    if (this.#retryTimer !== undefined) return;
    if (this.#events.length === this.settings.flushAt && !this.#draining) {
      // On the next turn of the event loop: serialising the batch is not the caller's cost.
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.#start(false), 0);
    } else {
      this.#timer ??= setTimeout(() => this.#start(true), this.settings.flushIntervalMs);
    }
  }

  /** Sends everything queued now; resolves when delivered or when the engine could not be reached (events stay queued). Never rejects. */
  async flush(): Promise<TracingStats> {
    await this.#draining;
    // Asked to send now: a pending retry (after a failed batch) is tried at once.
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#start(true);
    await this.#draining;
    return this.stats;
  }

  /** Flushes and stops the timers; events recorded later are still queued and sent. */
  async shutdown(): Promise<TracingStats> {
    const stats = await this.flush();
    clearTimeout(this.#timer);
    clearTimeout(this.#retryTimer);
    this.#timer = this.#retryTimer = undefined;
    return stats;
  }

  /** Drops the oldest events beyond `maxQueueSize`, counting them, with one warning until delivery works again. */
  #enforceBound(): void {
    while (this.#events.length > this.settings.maxQueueSize) {
      this.#events.shift();
      this.#stats.dropped++;
      if (!this.#warnedFull) {
        this.#warnedFull = true;
        this.logger.warn(`Tracing queue full (${this.settings.maxQueueSize} events): ForPrompt is unreachable or slower than events arrive; dropping the oldest (see tracingStats().dropped)`);
      }
    }
  }

  #start(force: boolean): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#draining) return;
    this.#draining = this.#drain(force)
      .catch((error: unknown) => this.logger.warn(`Sending traces failed: ${(error as Error).message}`))
      .finally(() => {
        this.#draining = undefined;
        if (this.#events.length > 0 && this.#retryTimer === undefined) {
          if (this.#events.length >= this.settings.flushAt) this.#start(false);
          else this.#timer ??= setTimeout(() => this.#start(true), this.settings.flushIntervalMs);
        }
      });
  }

  async #drain(force: boolean): Promise<void> {
    let maxEvents: number = INGEST_LIMITS.batchEvents;
    while (this.#events.length > 0 && (force || this.#events.length >= this.settings.flushAt)) {
      const batch = this.#takeBatch(maxEvents);
      if (batch.events.length === 0) continue;
      const outcome = await this.#deliver(batch.events, batch.parts);
      if (outcome === 'split') {
        this.#events.unshiftAll(batch.events);
        maxEvents = Math.max(1, Math.floor(batch.events.length / 2));
        continue;
      }
      if (outcome === 'retry') {
        this.#events.unshiftAll(batch.events);
        this.#enforceBound();
        this.#retryDelayMs = Math.min(Math.max(this.#retryDelayMs * 2, 1_000), MAX_RETRY_BACKOFF_MS);
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          this.#start(true);
        }, this.#retryDelayMs);
        // Waiting to retry must not keep a Node process alive on its own.
        (this.#retryTimer as { unref?: () => void }).unref?.();
        return;
      }
      this.#retryDelayMs = 0;
      this.#warnedFull = false;
    }
  }

  /** Up to `maxEvents` events and the byte limit, serialised (and redacted) now, off the caller's path. */
  #takeBatch(maxEvents: number): { events: PendingEvent[]; parts: string[] } {
    const events: PendingEvent[] = [];
    const parts: string[] = [];
    let bytes = ENVELOPE_BYTES;
    while (events.length < maxEvents) {
      const event = this.#events.shift();
      if (!event) break;
      const part = this.#serialize(event);
      if (part === undefined) continue;
      const size = utf8Length(part) + 1;
      if (size + ENVELOPE_BYTES > INGEST_LIMITS.batchBytes) {
        this.#stats.refused++;
        this.#reportOnce('too-large', `A tracing event of ${size} bytes is over the ${INGEST_LIMITS.batchBytes}-byte request limit and was dropped (event ${event.id})`);
        continue;
      }
      if (bytes + size > INGEST_LIMITS.batchBytes) {
        this.#events.unshiftAll([event]);
        break;
      }
      bytes += size;
      events.push(event);
      parts.push(part);
    }
    return { events, parts };
  }

  #serialize(event: PendingEvent): string | undefined {
    try {
      const body: Record<string, unknown> = { ...(this.redactor ? (this.redactor(event.body) as PendingBody) : event.body) };
      if (typeof body.startTime === 'number') body.startTime = new Date(body.startTime).toISOString();
      if (typeof body.endTime === 'number') body.endTime = new Date(body.endTime).toISOString();
      return JSON.stringify({ id: event.id, timestamp: new Date(event.timestamp).toISOString(), type: event.type, body });
    } catch (error) {
      this.#stats.refused++;
      this.#reportOnce('unserializable', `A tracing event could not be serialised as JSON and was dropped (event ${event.id}): ${(error as Error).message}`);
      return undefined;
    }
  }

  async #deliver(events: PendingEvent[], parts: string[]): Promise<Delivery> {
    let response: IngestResponse | undefined;
    try {
      response = (await this.http.request<IngestResponse>({ method: 'POST', path: '/api/v1/ingest', rawBody: `{"batch":[${parts.join(',')}]}` })).data;
    } catch (error) {
      const apiError = error as APIError;
      if (isUnreachable(error)) return 'retry';
      if (apiError.status === 413 && events.length > 1) return 'split';
      // Refused as a whole (no key, a revoked key, …): retrying would be refused again.
      this.#stats.refused += events.length;
      this.#reportOnce(`request:${apiError.code}`, `ForPrompt refused ${events.length} tracing event(s): ${apiError.message}`);
      return 'delivered';
    }
    const refused = (response?.results ?? []).filter((result) => result.status === 400);
    this.#stats.sent += events.length - refused.length;
    this.#stats.refused += refused.length;
    if (refused.length > 0) {
      // Reported here, once: a refused event is not retried (it would be refused again).
      const [first] = refused;
      const issue = first!.error?.details?.issues?.[0];
      const reason = `${first!.error?.message ?? 'invalid'}${issue ? ` (${issue.path}: ${issue.message})` : ''}`;
      this.logger.warn(`ForPrompt refused ${refused.length} tracing event(s) as invalid; they are not retried. First, event ${first!.id ?? '(no id)'}: ${reason}`);
    }
    return 'delivered';
  }

  /** One warning per kind of whole-batch problem, so an outage or a bad key does not flood the log. */
  #reportOnce(kind: string, message: string): void {
    if (this.#reported.has(kind)) return;
    this.#reported.add(kind);
    this.logger.warn(message);
  }
}
