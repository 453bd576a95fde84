export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the current window ends. */
  resetAt: Date;
}

/** Fixed-window counters kept in the database, so limits hold across engine replicas. */
export interface RateLimitStore {
  hit(key: string, rule: { limit: number; windowSeconds: number }): Promise<RateLimitResult>;
  /**
   * Reserves up to `amount` requests of a window's budget at once, for a replica to spend without asking
   * again (see access/api-rate-limit.ts). The caller names the window (its key holds the window's start)
   * and says when it ends. `granted` may be less than asked (0 once the limit is reached); `reserved` is
   * what every caller has taken of the window so far, at most `limit`.
   */
  reserve(key: string, amount: number, rule: { limit: number; windowEnd: Date }): Promise<{ granted: number; reserved: number }>;
  /** Takes back one hit of the current window (an attempt that turned out not to count). */
  refund(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  purgeExpired(): Promise<number>;
}
