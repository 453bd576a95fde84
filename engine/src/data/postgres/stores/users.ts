import { and, eq, ne, sql } from 'drizzle-orm';
import { sessions, users } from '../schema/index.js';
import { command, commandForMember } from '../write.js';
import { isUniqueViolation, type Database } from '../database.js';
import { ConflictError, NotFoundError } from '../../../errors.js';
import type { User, UserStore } from '../../provider.js';

type UserRow = typeof users.$inferSelect;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    imageUrl: row.imageUrl,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function userStore(db: Database): UserStore {
  return {
    async create(ctx, input) {
      const email = input.email.trim().toLowerCase();
      try {
        return await command(db, ctx, async (tx) => {
          const [row] = await tx
            .insert(users)
            .values({ email, firstName: input.firstName ?? null, lastName: input.lastName ?? null, passwordHash: input.passwordHash ?? null })
            .returning();
          const user = toUser(row!);
          return {
            result: user,
            audit: { organizationId: null, action: 'user.created', targetType: 'user', targetId: user.id, summary: `user ${email} created` },
          };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`A user with email ${email} already exists`, 'email_taken');
        throw error;
      }
    },

    async get(userId) {
      const [row] = await db.select().from(users).where(eq(users.id, userId));
      return row ? toUser(row) : null;
    },

    async count() {
      const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
      return row?.count ?? 0;
    },

    async getPasswordHash(userId) {
      const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
      return row?.passwordHash ?? null;
    },

    async changePassword(ctx, userId, passwordHash, keepSessionId) {
      await commandForMember(db, ctx, userId, async (tx) => {
        const [row] = await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, userId)).returning({ id: users.id });
        if (!row) throw new NotFoundError('User', 'user_not_found');
        const others = keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId);
        await tx.delete(sessions).where(others);
        return {
          result: undefined,
          audit: { action: 'user.password_changed', targetType: 'user', targetId: userId, summary: 'password changed; other sessions signed out' },
        };
      });
    },

    async findByEmail(email) {
      const [row] = await db
        .select()
        .from(users)
        .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
      return row ? toUser(row) : null;
    },
  };
}
