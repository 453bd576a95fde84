import { and, eq, inArray, isNull } from 'drizzle-orm';
import { organizationMembers, passwordResets, sessions, users } from '../schema/index.js';
import { command, record } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { outranksEverywhere } from '../../../access/permissions.js';
import { AppError, ConflictError, NotFoundError } from '../../../errors.js';
import type { PasswordResetStore } from '../../provider.js';

/**
 * A link hands over the account, so it is honoured only while its issuer still outranks the user in
 * every organization the user belongs to (memberships may have changed since it was issued) and the
 * user is still in the organization it was issued from.
 */
async function issuerStillOutranks(tx: Transaction, userId: string, issuerId: string | null, organizationId: string | null): Promise<boolean> {
  if (!issuerId) return false;
  const memberships = await tx
    .select({ organizationId: organizationMembers.organizationId, userId: organizationMembers.userId, role: organizationMembers.role })
    .from(organizationMembers)
    .where(inArray(organizationMembers.userId, [userId, issuerId]));
  const userRoles = memberships.filter((membership) => membership.userId === userId);
  if (organizationId && !userRoles.some((membership) => membership.organizationId === organizationId)) return false;
  return outranksEverywhere(userRoles, (organization) => memberships.find((candidate) => candidate.userId === issuerId && candidate.organizationId === organization)?.role);
}

export function passwordResetStore(db: Database): PasswordResetStore {
  return {
    async create(ctx, organizationId, userId, input) {
      await command(db, ctx, async (tx) => {
        const [member] = await tx
          .select({ email: users.email })
          .from(organizationMembers)
          .innerJoin(users, eq(users.id, organizationMembers.userId))
          .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
        if (!member) throw new NotFoundError('Member', 'member_not_found');
        // A new link replaces any earlier unused one.
        await tx.delete(passwordResets).where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
        await tx.insert(passwordResets).values({
          userId,
          organizationId,
          tokenHash: input.tokenHash,
          expiresAt: input.expiresAt,
          createdBy: ctx.actor.type === 'user' ? ctx.actor.userId : null,
        });
        return {
          result: undefined,
          audit: { organizationId, action: 'member.password_reset_issued', targetType: 'user', targetId: userId, summary: `password reset link issued for ${member.email}` },
        };
      });
    },

    async consume(ctx, tokenHash, passwordHash) {
      return db.transaction(async (tx) => {
        const [reset] = await tx.select().from(passwordResets).where(eq(passwordResets.tokenHash, tokenHash)).for('update');
        if (!reset) throw new NotFoundError('Reset link', 'reset_link_not_found');
        if (reset.usedAt) throw new ConflictError('This reset link has already been used', 'reset_link_used');
        if (reset.expiresAt.getTime() <= Date.now()) throw new AppError(410, 'reset_link_expired', 'This reset link has expired; ask an admin for a new one');
        if (!(await issuerStillOutranks(tx, reset.userId, reset.createdBy, reset.organizationId))) {
          throw new ConflictError('This reset link is no longer valid: memberships changed since it was issued; ask for a new one', 'reset_link_stale');
        }
        await tx.update(passwordResets).set({ usedAt: new Date() }).where(eq(passwordResets.id, reset.id));
        await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, reset.userId));
        await tx.delete(sessions).where(eq(sessions.userId, reset.userId));
        await record(tx, { ...ctx, actor: { type: 'user', userId: reset.userId } }, {
          audit: { organizationId: reset.organizationId, action: 'user.password_reset', targetType: 'user', targetId: reset.userId, summary: 'password set with a reset link; all sessions signed out' },
        });
        return { userId: reset.userId };
      });
    },
  };
}
