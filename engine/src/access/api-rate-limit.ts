import type { RateLimitStore } from '../data/ports/rate-limit.js';

/**
 * The public API's per-key limits (API_RATE_LIMIT_*), shared by every engine replica: the count of a
 * key's calendar minute lives in the database (`rate_limit_buckets`). Asking the database on every
 * request would cost the prompt fast lane most of its speed, so each replica reserves budget in chunks
 * and spends it locally: a chunk starts at 1 and doubles with the replica's demand, up to a tenth of
 * the limit. A replica may hold some budget it does not spend (at most a tenth of the limit each), so
 * behind N replicas a key gets between the limit less N tenths and the limit, never more. Once the
 * database says the minute is used up, the replica refuses locally until the next minute. With the
 * database away, a replica counts on its own (the limits guard against a runaway client; the fast lane
 * keeps serving from its caches).
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Left this minute, as far as this replica knows. */
  remaining: number;
  /** Seconds until the window (a calendar minute) ends. */
  retryAfterSeconds: number;
}

type Reservations = Pick<RateLimitStore, 'reserve'>;

const WINDOW_MS = 60_000;
/** Past this many tracked keys, finished windows are swept out. */
const SWEEP_AT = 10_000;

/** A key's budget in the current window on this replica. */
interface Budget {
  windowStart: number;
  /** Requests this replica may still serve without asking the database. */
  local: number;
  /** What every replica has reserved in the window, as the database last said. */
  reserved: number;
  /** Requests this replica served in the window; the next reservation is sized on it. */
  served: number;
  /** Requests waiting for the reservation in flight. */
  waiting: number;
  /** The database has nothing left to grant this window. */
  exhausted: boolean;
  reserving: Promise<void> | undefined;
}

export class ApiRateLimiter {
  private readonly budgets = new Map<string, Budget>();
  private lastFailureLoggedAt = 0;

  constructor(
    private readonly limits: { readsPerMinute: number; writesPerMinute: number },
    private readonly store: Reservations,
    private readonly onStoreFailure: (error: unknown) => void = () => {},
  ) {}

  /** Counts one request of `apiKeyId`; null when the kind has no limit. */
  async take(apiKeyId: string, kind: 'read' | 'write', now = Date.now()): Promise<RateDecision | null> {
    const limit = kind === 'read' ? this.limits.readsPerMinute : this.limits.writesPerMinute;
    if (limit === 0) return null;
    const windowStart = now - (now % WINDOW_MS);
    const id = `${kind}:${apiKeyId}`;
    const budget = this.budgetOf(id, windowStart);
    while (budget.local === 0 && !budget.exhausted) {
      budget.waiting++;
      budget.reserving ??= this.reserve(`api:${id}:${windowStart}`, budget, limit).finally(() => (budget.reserving = undefined));
      await budget.reserving;
      budget.waiting--;
    }
    const allowed = budget.local > 0;
    if (allowed) {
      budget.local--;
      budget.served++;
    }
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - budget.reserved) + budget.local,
      retryAfterSeconds: Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000)),
    };
  }

  private budgetOf(id: string, windowStart: number): Budget {
    const budget = this.budgets.get(id);
    if (budget && budget.windowStart === windowStart) return budget;
    if (!budget && this.budgets.size >= SWEEP_AT) this.sweep(windowStart);
    const fresh: Budget = { windowStart, local: 0, reserved: 0, served: 0, waiting: 0, exhausted: false, reserving: undefined };
    this.budgets.set(id, fresh);
    return fresh;
  }

  private async reserve(key: string, budget: Budget, limit: number): Promise<void> {
    const amount = Math.min(Math.max(1, budget.served, budget.waiting), Math.ceil(limit / 10));
    try {
      const { granted, reserved } = await this.store.reserve(key, amount, { limit, windowEnd: new Date(budget.windowStart + WINDOW_MS) });
      budget.local += granted;
      budget.reserved = reserved;
      budget.exhausted = reserved >= limit;
    } catch (error) {
      // Counted here alone until the database answers again.
      budget.local += amount;
      budget.reserved = Math.min(limit, budget.reserved + amount);
      budget.exhausted = budget.reserved >= limit;
      if (Date.now() - this.lastFailureLoggedAt >= WINDOW_MS) {
        this.lastFailureLoggedAt = Date.now();
        this.onStoreFailure(error);
      }
    }
  }

  private sweep(currentStart: number): void {
    for (const [id, budget] of this.budgets) if (budget.windowStart !== currentStart) this.budgets.delete(id);
  }
}
