import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { idempotencyKeys } from '../schema/index.js';
import type { Database } from '../database.js';
import type { IdempotencyStore } from '../../provider.js';

export function idempotencyStore(db: Database): IdempotencyStore {
  const where = (scope: string, key: string) => and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
  return {
    async claim(scope, key, requestHash, ttlSeconds) {
      // An expired key is the past; a claim still unanswered after a minute belongs to a request that
      // died (a crashed engine): both are taken over rather than blocking retries for a day.
      await db
        .delete(idempotencyKeys)
        .where(
          and(
            where(scope, key),
            or(sql`${idempotencyKeys.expiresAt} <= now()`, and(isNull(idempotencyKeys.responseStatus), sql`${idempotencyKeys.createdAt} < now() - interval '1 minute'`)),
          ),
        );
      const [claimed] = await db
        .insert(idempotencyKeys)
        .values({ scope, key, requestHash, expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})` })
        .onConflictDoNothing()
        .returning({ id: idempotencyKeys.id });
      if (claimed) return { state: 'claimed' };
      const [existing] = await db.select().from(idempotencyKeys).where(where(scope, key));
      if (!existing) return this.claim(scope, key, requestHash, ttlSeconds);
      if (existing.requestHash !== requestHash) return { state: 'mismatch' };
      if (existing.responseStatus === null) return { state: 'in_progress' };
      return { state: 'done', status: existing.responseStatus, body: existing.responseBody };
    },

    async complete(scope, key, status, body) {
      await db.update(idempotencyKeys).set({ responseStatus: status, responseBody: body }).where(where(scope, key));
    },

    async release(scope, key) {
      await db.delete(idempotencyKeys).where(where(scope, key));
    },
  };
}
