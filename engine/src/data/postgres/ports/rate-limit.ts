import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { rateLimitBuckets } from '../schema/index.js';
import type { Database } from '../database.js';
import type { RateLimitStore } from '../../ports/rate-limit.js';

/** Fixed windows in `rate_limit_buckets`; one atomic upsert per hit, so replicas share the count. */
export function postgresRateLimits(db: Database): RateLimitStore {
  return {
    async hit(key, rule) {
      const window = sql`make_interval(secs => ${rule.windowSeconds})`;
      const expired = sql`${rateLimitBuckets.expiresAt} <= now()`;
      const [row] = await db
        .insert(rateLimitBuckets)
        .values({ key, windowStart: sql`now()`, count: 1, expiresAt: sql`now() + ${window}` })
        .onConflictDoUpdate({
          target: rateLimitBuckets.key,
          set: {
            windowStart: sql`case when ${expired} then now() else ${rateLimitBuckets.windowStart} end`,
            count: sql`case when ${expired} then 1 else ${rateLimitBuckets.count} + 1 end`,
            expiresAt: sql`case when ${expired} then now() + ${window} else ${rateLimitBuckets.expiresAt} end`,
          },
        })
        .returning({ count: rateLimitBuckets.count, expiresAt: rateLimitBuckets.expiresAt });
      const count = row!.count;
      return {
        allowed: count <= rule.limit,
        limit: rule.limit,
        remaining: Math.max(rule.limit - count, 0),
        resetAt: row!.expiresAt,
      };
    },

    async reserve(key, amount, rule) {
      // The counter grows by exactly `amount` in one atomic upsert, so what it held before is known
      // without a lock: total - amount. It may pass the limit (asked for, not granted); that is harmless.
      const [row] = await db
        .insert(rateLimitBuckets)
        .values({ key, windowStart: sql`now()`, count: amount, expiresAt: rule.windowEnd })
        .onConflictDoUpdate({ target: rateLimitBuckets.key, set: { count: sql`${rateLimitBuckets.count} + ${amount}` } })
        .returning({ count: rateLimitBuckets.count });
      const before = row!.count - amount;
      return { granted: Math.max(0, Math.min(amount, rule.limit - before)), reserved: Math.min(row!.count, rule.limit) };
    },

    async refund(key) {
      await db
        .update(rateLimitBuckets)
        .set({ count: sql`greatest(${rateLimitBuckets.count} - 1, 0)` })
        .where(and(eq(rateLimitBuckets.key, key), gt(rateLimitBuckets.expiresAt, sql`now()`)));
    },

    async reset(key) {
      await db.delete(rateLimitBuckets).where(eq(rateLimitBuckets.key, key));
    },

    async purgeExpired() {
      const deleted = await db.delete(rateLimitBuckets).where(lte(rateLimitBuckets.expiresAt, sql`now()`)).returning({ key: rateLimitBuckets.key });
      return deleted.length;
    },
  };
}
