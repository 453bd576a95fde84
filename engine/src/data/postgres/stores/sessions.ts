import { and, desc, eq, gt, lt, ne, sql } from 'drizzle-orm';
import { sessions } from '../schema/index.js';
import { commandForMember } from '../write.js';
import type { Database } from '../database.js';
import { NotFoundError } from '../../../errors.js';
import type { Session, SessionStore } from '../../provider.js';

type SessionRow = typeof sessions.$inferSelect;

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    userId: row.userId,
    ip: row.ip,
    userAgent: row.userAgent,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
  };
}

export function sessionStore(db: Database): SessionStore {
  return {
    async create(ctx, input) {
      return commandForMember(db, ctx, input.userId, async (tx) => {
        const [row] = await tx
          .insert(sessions)
          .values({ ...input, ip: ctx.ip ?? null, userAgent: ctx.userAgent?.slice(0, 500) ?? null })
          .returning();
        return { result: toSession(row!), audit: { action: 'auth.signed_in', targetType: 'user', targetId: input.userId, summary: 'signed in' } };
      });
    },

    async find(tokenHash) {
      const [row] = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, sql`now()`)));
      return row ? toSession(row) : null;
    },

    async touch(sessionId, expiresAt) {
      const touched = await db
        .update(sessions)
        .set({ lastSeenAt: sql`now()`, expiresAt })
        .where(and(eq(sessions.id, sessionId), lt(sessions.lastSeenAt, sql`now() - interval '1 minute'`)))
        .returning({ id: sessions.id });
      return touched.length > 0;
    },

    async list(userId) {
      const rows = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, sql`now()`)))
        .orderBy(desc(sessions.lastSeenAt));
      return rows.map(toSession);
    },

    async revoke(ctx, userId, sessionId) {
      return commandForMember(db, ctx, userId, async (tx) => {
        const deleted = await tx
          .delete(sessions)
          .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
          .returning({ id: sessions.id });
        // Nothing of the caller's was there: 404, and the audit entry rolls back with it.
        if (deleted.length === 0) throw new NotFoundError('Session', 'session_not_found');
        return {
          result: undefined,
          audit: { action: 'auth.session_revoked', targetType: 'session', targetId: sessionId, summary: 'session signed out' },
        };
      });
    },

    async revokeOthers(ctx, userId, keepSessionId) {
      return commandForMember(db, ctx, userId, async (tx) => {
        const deleted = await tx
          .delete(sessions)
          .where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId))
          .returning({ id: sessions.id });
        return {
          result: deleted.length,
          audit: { action: 'auth.other_sessions_revoked', targetType: 'user', targetId: userId, summary: `${deleted.length} other sessions signed out` },
        };
      });
    },
  };
}
