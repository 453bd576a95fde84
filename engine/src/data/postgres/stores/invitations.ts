import { and, desc, eq, sql } from 'drizzle-orm';
import { organizationInvitations, organizationMembers, organizations, users } from '../schema/index.js';
import { command, record } from '../write.js';
import { isUniqueViolation, type Database, type Transaction } from '../database.js';
import { AppError, ConflictError, NotFoundError } from '../../../errors.js';
import type { Invitation, InvitationStore, NewUserInput } from '../../provider.js';

type InvitationRow = typeof organizationInvitations.$inferSelect;

/** A pending invitation past its expiry reads as expired. */
function toInvitation(row: InvitationRow): Invitation {
  const expired = row.status === 'pending' && row.expiresAt.getTime() <= Date.now();
  return {
    id: row.id,
    organizationId: row.organizationId,
    email: row.email,
    role: row.role,
    status: expired ? 'expired' : row.status,
    invitedBy: row.invitedBy,
    expiresAt: row.expiresAt,
    acceptedAt: row.acceptedAt,
    createdAt: row.createdAt,
  };
}

/** The invited account, created with the invited address (never another one). */
async function insertInvitedUser(tx: Transaction, email: string, input: NewUserInput): Promise<string> {
  try {
    const [user] = await tx
      .insert(users)
      .values({ email, firstName: input.firstName ?? null, lastName: input.lastName ?? null, passwordHash: input.passwordHash ?? null })
      .returning({ id: users.id });
    return user!.id;
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(`Sign in as ${email} to accept`, 'sign_in_to_accept');
    throw error;
  }
}

export function invitationStore(db: Database): InvitationStore {
  return {
    async create(ctx, organizationId, input) {
      const email = input.email.trim().toLowerCase();
      return command(db, ctx, async (tx) => {
        // One pending invitation per address: a new one replaces the old link.
        await tx
          .update(organizationInvitations)
          .set({ status: 'revoked', updatedAt: new Date() })
          .where(
            and(
              eq(organizationInvitations.organizationId, organizationId),
              eq(sql`lower(${organizationInvitations.email})`, email),
              eq(organizationInvitations.status, 'pending'),
            ),
          );
        const [row] = await tx
          .insert(organizationInvitations)
          .values({
            organizationId,
            email,
            role: input.role,
            tokenHash: input.tokenHash,
            expiresAt: input.expiresAt,
            invitedBy: ctx.actor.type === 'user' ? ctx.actor.userId : null,
          })
          .returning();
        const invitation = toInvitation(row!);
        return {
          result: invitation,
          audit: { organizationId, action: 'invitation.created', targetType: 'invitation', targetId: invitation.id, summary: `${email} invited as ${input.role}` },
        };
      });
    },

    async list(organizationId) {
      const rows = await db
        .select()
        .from(organizationInvitations)
        .where(eq(organizationInvitations.organizationId, organizationId))
        .orderBy(desc(organizationInvitations.createdAt));
      return rows.map(toInvitation);
    },

    async revoke(ctx, organizationId, invitationId) {
      await command(db, ctx, async (tx) => {
        const [row] = await tx
          .update(organizationInvitations)
          .set({ status: 'revoked', updatedAt: new Date() })
          .where(
            and(
              eq(organizationInvitations.id, invitationId),
              eq(organizationInvitations.organizationId, organizationId),
              eq(organizationInvitations.status, 'pending'),
            ),
          )
          .returning();
        if (!row) throw new NotFoundError('Pending invitation', 'invitation_not_found');
        return {
          result: undefined,
          audit: { organizationId, action: 'invitation.revoked', targetType: 'invitation', targetId: invitationId, summary: `invitation of ${row.email} revoked` },
        };
      });
    },

    async findByToken(tokenHash) {
      const [row] = await db
        .select({ invitation: organizationInvitations, organizationName: organizations.name })
        .from(organizationInvitations)
        .innerJoin(organizations, eq(organizations.id, organizationInvitations.organizationId))
        .where(eq(organizationInvitations.tokenHash, tokenHash));
      return row ? { ...toInvitation(row.invitation), organizationName: row.organizationName } : null;
    },

    async accept(ctx, tokenHash, who) {
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(organizationInvitations).where(eq(organizationInvitations.tokenHash, tokenHash)).for('update');
        if (!row) throw new NotFoundError('Invitation', 'invitation_not_found');
        const invitation = toInvitation(row);
        if (invitation.status === 'accepted') throw new ConflictError('This invitation has already been used', 'invitation_used');
        if (invitation.status === 'revoked') throw new ConflictError('This invitation was withdrawn', 'invitation_revoked');
        if (invitation.status === 'expired') throw new AppError(410, 'invitation_expired', 'This invitation has expired; ask for a new one');
        const userId = 'userId' in who ? who.userId : await insertInvitedUser(tx, row.email, who.newUser);
        // Joining keeps the higher of an existing and the invited role (enum order: owner first).
        const [membership] = await tx
          .insert(organizationMembers)
          .values({ organizationId: row.organizationId, userId, role: row.role })
          .onConflictDoUpdate({
            target: [organizationMembers.organizationId, organizationMembers.userId],
            set: { role: sql`least(${organizationMembers.role}, excluded.role)`, updatedAt: new Date() },
          })
          .returning({ role: organizationMembers.role });
        await tx
          .update(organizationInvitations)
          .set({ status: 'accepted', acceptedAt: new Date(), updatedAt: new Date() })
          .where(eq(organizationInvitations.id, row.id));
        await record(tx, { ...ctx, actor: { type: 'user', userId } }, {
          audit: { organizationId: row.organizationId, action: 'invitation.accepted', targetType: 'invitation', targetId: row.id, summary: `${row.email} joined as ${membership!.role}` },
          events: [{ organizationId: row.organizationId, type: 'member.added', payload: { userId, role: membership!.role } }],
        });
        return { organizationId: row.organizationId, role: membership!.role, userId };
      });
    },
  };
}
