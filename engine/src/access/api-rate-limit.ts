/**
 * The public API's per-key limits (API_RATE_LIMIT_*), counted in this process's memory: a check costs
 * a map lookup, cheap enough for the prompt fast lane. Each engine replica counts its own requests,
 * so behind N replicas a key may make up to N times the limit; the limits guard against a runaway
 * client, not for billing. The original API's strict per-key limits are counted in the database.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window (a calendar minute) ends. */
  retryAfterSeconds: number;
}

const WINDOW_MS = 60_000;
/** Past this many tracked keys, finished windows are swept out. */
const SWEEP_AT = 10_000;

export class ApiRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limits: { readsPerMinute: number; writesPerMinute: number }) {}

  /** Counts one request of `apiKeyId`; null when the kind has no limit. */
  take(apiKeyId: string, kind: 'read' | 'write', now = Date.now()): RateDecision | null {
    const limit = kind === 'read' ? this.limits.readsPerMinute : this.limits.writesPerMinute;
    if (limit === 0) return null;
    const start = now - (now % WINDOW_MS);
    const id = `${kind}:${apiKeyId}`;
    let window = this.windows.get(id);
    if (!window || window.start !== start) {
      if (!window && this.windows.size >= SWEEP_AT) this.sweep(start);
      window = { start, count: 0 };
      this.windows.set(id, window);
    }
    window.count++;
    return { allowed: window.count <= limit, limit, remaining: Math.max(0, limit - window.count), retryAfterSeconds: Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000)) };
  }

  private sweep(currentStart: number): void {
    for (const [id, window] of this.windows) if (window.start !== currentStart) this.windows.delete(id);
  }
}
