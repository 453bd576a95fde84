import type { DataProvider, OutboxEvent } from '../data/provider.js';
import type { Logger } from '../logger.js';

/**
 * Something in the engine that acts on domain events (the outgoing webhooks, caches). Delivery is at
 * least once: a batch whose handling fails anywhere is handed out again, to every subscriber, so
 * handlers must be idempotent (key on `event.id`).
 */
export interface EventSubscriber {
  name: string;
  handle(events: OutboxEvent[]): Promise<void>;
}

const JOB = 'outbox.deliver';
const BATCH = 200;
/** A burst of commits becomes one delivery job per replica per this many milliseconds. */
const COALESCE_MS = 100;

/**
 * Delivers the transactional outbox to in-process subscribers through the job queue: every write
 * stores its events in the same transaction as the change; a commit notification (or, for anything
 * missed — a crash after commit, a replica that was down — the per-minute sweep and the sweep at
 * start) queues a delivery job; whichever replica takes the job drains the outbox in order, batch by
 * batch, marking a batch delivered only when every subscriber handled it.
 *
 * The change feed stays the fast path for caches on every replica; this is the durable path.
 */
export class EventDelivery {
  private readonly subscribers: EventSubscriber[] = [];
  private unsubscribe: (() => Promise<void>) | null = null;
  private pending: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly provider: DataProvider,
    private readonly logger: Logger,
  ) {}

  subscribe(subscriber: EventSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Starts working delivery jobs on this replica, and sweeps what accumulated while it was down. */
  async start(): Promise<void> {
    const { jobs, changeFeed } = this.provider;
    await jobs.work(JOB, () => this.deliverPending().then(() => undefined), { pollSeconds: 1 });
    await jobs.schedule(JOB, '* * * * *', {});
    this.unsubscribe = await changeFeed.subscribe((change) => {
      if (change.topic !== '*') this.request();
    });
    await this.enqueue();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pending) clearTimeout(this.pending);
    await this.unsubscribe?.();
  }

  /** Drains the outbox through the subscribers; returns how many events were delivered. */
  async deliverPending(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const count = await this.provider.outbox.drain(BATCH, async (events) => {
        for (const subscriber of this.subscribers) {
          try {
            await subscriber.handle(events);
          } catch (error) {
            this.logger.warn({ err: error, subscriber: subscriber.name, events: events.length }, 'An event subscriber failed; the batch will be delivered again');
            throw error;
          }
        }
      });
      delivered += count;
      if (count < BATCH) return delivered;
    }
  }

  /** Coalesces commit notifications into one job request. */
  private request(): void {
    if (this.pending || this.stopped) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.enqueue().catch((error: unknown) => this.logger.warn({ err: error }, 'Could not queue event delivery; the next sweep will'));
    }, COALESCE_MS);
    this.pending.unref();
  }

  private async enqueue(): Promise<void> {
    if (!this.stopped) await this.provider.jobs.enqueue(JOB, {}, { retryLimit: 10, retryDelaySeconds: 1 });
  }
}
