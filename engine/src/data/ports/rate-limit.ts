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
  /** The current window's count without adding to it (null when there is no live window). */
  peek(key: string): Promise<{ count: number; resetAt: Date } | null>;
  reset(key: string): Promise<void>;
  purgeExpired(): Promise<number>;
}
