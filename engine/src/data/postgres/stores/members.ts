import { and, asc, eq, sql } from 'drizzle-orm';
import { organizationMembers, organizations, users } from '../schema/index.js';
import { command } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../errors.js';
import type { Member, MemberRole, MemberStore } from '../../provider.js';

const memberColumns = {
  userId: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  role: organizationMembers.role,
  joinedAt: organizationMembers.createdAt,
};

/**
 * Serialises member changes per organization (the organization row is the lock, taken first, so two
 * owners demoting each other cannot deadlock), then reads the member.
 */
async function lockMember(tx: Transaction, organizationId: string, userId: string): Promise<Member> {
  await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId)).for('update');
  const [member] = await tx
    .select(memberColumns)
    .from(organizationMembers)
    .innerJoin(users, eq(users.id, organizationMembers.userId))
    .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
  if (!member) throw new NotFoundError('Member', 'member_not_found');
  return member;
}

/** Only an owner grants the owner role or changes an owner. */
function assertMayAssign(actorRole: MemberRole | null, currentRole: MemberRole, newRole: MemberRole | null): void {
  if (actorRole !== null && actorRole !== 'owner' && (newRole === 'owner' || currentRole === 'owner')) {
    throw new ForbiddenError('Only an owner can grant or change the owner role', 'owner_only');
  }
}

/** Refuses to leave an organization without an owner (runs under the organization lock). */
async function assertAnotherOwner(tx: Transaction, organizationId: string, userId: string): Promise<void> {
  const owners = await tx
    .select({ userId: organizationMembers.userId })
    .from(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.role, 'owner')));
  if (!owners.some((owner) => owner.userId !== userId)) {
    throw new ConflictError('An organization needs an owner: make someone else owner first', 'last_owner');
  }
}

export function memberStore(db: Database): MemberStore {
  return {
    async list(organizationId) {
      return db
        .select(memberColumns)
        .from(organizationMembers)
        .innerJoin(users, eq(users.id, organizationMembers.userId))
        .where(eq(organizationMembers.organizationId, organizationId))
        .orderBy(asc(sql`lower(${users.email})`));
    },

    async changeRole(ctx, organizationId, userId, role: MemberRole, actorRole) {
      return command(db, ctx, async (tx) => {
        const member = await lockMember(tx, organizationId, userId);
        assertMayAssign(actorRole, member.role, role);
        if (member.role === 'owner' && role !== 'owner') await assertAnotherOwner(tx, organizationId, userId);
        await tx
          .update(organizationMembers)
          .set({ role, updatedAt: new Date() })
          .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
        return {
          result: { ...member, role },
          audit: { organizationId, action: 'member.role_changed', targetType: 'user', targetId: userId, summary: `${member.email}: ${member.role} → ${role}` },
          events: [{ organizationId, type: 'member.updated', payload: { userId, role } }],
        };
      });
    },

    async remove(ctx, organizationId, userId, actorRole) {
      await command(db, ctx, async (tx) => {
        const member = await lockMember(tx, organizationId, userId);
        const leaving = ctx.actor.type === 'user' && ctx.actor.userId === userId;
        if (!leaving) assertMayAssign(actorRole, member.role, null);
        if (member.role === 'owner') await assertAnotherOwner(tx, organizationId, userId);
        await tx.delete(organizationMembers).where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
        return {
          result: undefined,
          audit: {
            organizationId,
            action: leaving ? 'member.left' : 'member.removed',
            targetType: 'user',
            targetId: userId,
            summary: leaving ? `${member.email} left` : `${member.email} (${member.role}) removed`,
          },
          events: [{ organizationId, type: 'member.removed', payload: { userId } }],
        };
      });
    },
  };
}
