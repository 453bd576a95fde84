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
  /** Takes back one hit of the current window (an attempt that turned out not to count). */
  refund(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  purgeExpired(): Promise<number>;
}
