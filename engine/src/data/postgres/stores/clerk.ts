import { and, eq, sql } from 'drizzle-orm';
import { clerkWebhookEvents, organizationInvitations, organizationMembers, organizations, users } from '../schema/index.js';
import { command, type AuditRecord } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { ensureOrganization, ensureUser, lockClerkIds, placeholderEmail, unusedEmail, unusedSlug } from './clerk-rows.js';
import type {
  ClerkInvitationData,
  ClerkMembershipData,
  ClerkOrganizationData,
  ClerkSyncResult,
  ClerkSyncStore,
  ClerkUserData,
  ClerkWebhookEvent,
} from '../../clerk-sync.js';
import type { MemberRole, WriteContext } from '../../provider.js';

/*
 * Out-of-order deliveries: users and organizations carry Clerk's `updated_at` in `clerk_updated_at`.
 * Memberships and invitations have no such column, so for rows mirrored from Clerk their `updated_at`
 * holds Clerk's `updated_at` instead (Clerk is where they change). A deletion leaves no row behind, so
 * an event for the same object delivered *after* its deletion recreates it (no tombstones yet).
 */

const clerkActor: WriteContext = { actor: { type: 'system' } };
const INVITATION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

interface Outcome {
  result: Exclude<ClerkSyncResult, 'duplicate'>;
  audit: AuditRecord;
}

/** Thrown inside a command to roll it back when there turns out to be nothing to write. */
class NothingToWrite<T> extends Error {
  constructor(readonly result: T) {
    super('nothing to write');
  }
}

async function commandUnlessNothing<T>(db: Database, change: (tx: Transaction) => Promise<{ result: T; audit: AuditRecord }>): Promise<T> {
  try {
    return await command(db, clerkActor, change);
  } catch (error) {
    if (error instanceof NothingToWrite) return error.result as T;
    throw error;
  }
}

function skipped(result: 'stale' | 'ignored', type: string, clerkId: string, organizationId: string | null, reason: string): Outcome {
  return { result, audit: { organizationId, action: 'clerk.event_skipped', summary: `${type} for ${clerkId} ${result}: ${reason}` } };
}

const isOlder = (incoming: Date | null, stored: Date | null) => incoming !== null && stored !== null && incoming < stored;

async function applyUser(tx: Transaction, type: string, user: ClerkUserData): Promise<Outcome> {
  await lockClerkIds(tx, user.clerkId);
  const [existing] = await tx.select().from(users).where(eq(users.clerkId, user.clerkId));
  if (existing && isOlder(user.updatedAt, existing.clerkUpdatedAt)) return skipped('stale', type, user.clerkId, null, 'older than the stored user');
  const email = user.email ? await unusedEmail(tx, user.email, existing?.id) : null;
  const fields = { firstName: user.firstName, lastName: user.lastName, imageUrl: user.imageUrl, clerkUpdatedAt: user.updatedAt };
  const [row] = existing
    ? await tx.update(users).set({ ...fields, email: email ?? existing.email }).where(eq(users.id, existing.id)).returning()
    : await tx.insert(users).values({ ...fields, clerkId: user.clerkId, email: email ?? placeholderEmail(user.clerkId) }).returning();
  const note = user.email && !email ? ` (${user.email} belongs to another account; not taken)` : '';
  return {
    result: 'applied',
    audit: { organizationId: null, action: `clerk.${type}`, targetType: 'user', targetId: row!.id, summary: `user ${row!.email} synced from Clerk${note}` },
  };
}

async function deleteUser(tx: Transaction, clerkUserId: string): Promise<Outcome> {
  await lockClerkIds(tx, clerkUserId);
  const [deleted] = await tx.delete(users).where(eq(users.clerkId, clerkUserId)).returning({ id: users.id, email: users.email });
  if (!deleted) return skipped('ignored', 'user.deleted', clerkUserId, null, 'no such user');
  return {
    result: 'applied',
    audit: { organizationId: null, action: 'clerk.user.deleted', targetType: 'user', targetId: deleted.id, summary: `user ${deleted.email} deleted in Clerk` },
  };
}

/** The creator's membership (Clerk's `org:admin`) becomes `owner`; its Clerk timestamp is kept. */
async function promoteCreator(tx: Transaction, organizationId: string, creatorClerkId: string): Promise<void> {
  await tx
    .update(organizationMembers)
    .set({ role: 'owner', updatedAt: sql`${organizationMembers.updatedAt}` })
    .where(
      and(
        eq(organizationMembers.organizationId, organizationId),
        eq(organizationMembers.role, 'admin'),
        eq(organizationMembers.userId, sql`(select ${users.id} from ${users} where ${users.clerkId} = ${creatorClerkId})`),
      ),
    );
}

async function applyOrganization(tx: Transaction, type: string, organization: ClerkOrganizationData): Promise<Outcome> {
  await lockClerkIds(tx, organization.clerkId, organization.createdBy);
  const [existing] = await tx.select().from(organizations).where(eq(organizations.clerkId, organization.clerkId));
  if (existing && isOlder(organization.updatedAt, existing.clerkUpdatedAt)) {
    return skipped('stale', type, organization.clerkId, existing.id, 'older than the stored organization');
  }
  const slug = await unusedSlug(tx, organization.slug ?? organization.name, organization.clerkId, existing?.id);
  const fields = { name: organization.name, slug, imageUrl: organization.imageUrl, clerkUpdatedAt: organization.updatedAt };
  const [row] = existing
    ? await tx.update(organizations).set(fields).where(eq(organizations.id, existing.id)).returning()
    : await tx.insert(organizations).values({ ...fields, clerkId: organization.clerkId }).returning();
  if (organization.createdBy) await promoteCreator(tx, row!.id, organization.createdBy);
  return {
    result: 'applied',
    audit: { organizationId: row!.id, action: `clerk.${type}`, targetType: 'organization', targetId: row!.id, summary: `organization "${row!.name}" (${slug}) synced from Clerk` },
  };
}

async function deleteOrganization(tx: Transaction, clerkOrganizationId: string): Promise<Outcome> {
  await lockClerkIds(tx, clerkOrganizationId);
  const [deleted] = await tx
    .delete(organizations)
    .where(eq(organizations.clerkId, clerkOrganizationId))
    .returning({ id: organizations.id, name: organizations.name });
  if (!deleted) return skipped('ignored', 'organization.deleted', clerkOrganizationId, null, 'no such organization');
  // The organization's own audit rows went with it; this one stays, outside any organization.
  return {
    result: 'applied',
    audit: { organizationId: null, action: 'clerk.organization.deleted', targetType: 'organization', targetId: deleted.id, summary: `organization "${deleted.name}" deleted in Clerk` },
  };
}

async function findMembership(tx: Transaction, membership: ClerkMembershipData) {
  const [row] = await tx
    .select({ organizationId: organizations.id, userId: users.id, email: users.email, role: organizationMembers.role, updatedAt: organizationMembers.updatedAt })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .innerJoin(users, eq(users.id, organizationMembers.userId))
    .where(and(eq(organizations.clerkId, membership.organization.clerkId), eq(users.clerkId, membership.user.clerkId)));
  return row ?? null;
}

async function applyMembership(tx: Transaction, type: string, membership: ClerkMembershipData): Promise<Outcome> {
  await lockClerkIds(tx, membership.organization.clerkId, membership.user.clerkId);
  const existing = await findMembership(tx, membership);
  if (existing && isOlder(membership.updatedAt, existing.updatedAt)) {
    return skipped('stale', type, membership.clerkId, existing.organizationId, 'older than the stored membership');
  }
  // Arriving before its organization or user: placeholders, filled in by their own events later.
  const organization = await ensureOrganization(tx, membership.organization);
  const user = await ensureUser(tx, membership.user);
  const values = { role: membership.role, updatedAt: membership.updatedAt ?? new Date() };
  await tx
    .insert(organizationMembers)
    .values({ ...values, organizationId: organization.id, userId: user.id })
    .onConflictDoUpdate({ target: [organizationMembers.organizationId, organizationMembers.userId], set: values });
  const change = existing && existing.role !== membership.role ? `${existing.role} → ${membership.role}` : membership.role;
  return {
    result: 'applied',
    audit: { organizationId: organization.id, action: `clerk.${type}`, targetType: 'user', targetId: user.id, summary: `member ${user.email}: ${change}` },
  };
}

async function deleteMembership(tx: Transaction, membership: ClerkMembershipData): Promise<Outcome> {
  await lockClerkIds(tx, membership.organization.clerkId, membership.user.clerkId);
  const existing = await findMembership(tx, membership);
  const type = 'organizationMembership.deleted';
  if (!existing) return skipped('ignored', type, membership.clerkId, null, 'no such membership');
  // A member removed and added again: this deletion of the earlier membership comes late.
  if (isOlder(membership.updatedAt, existing.updatedAt)) return skipped('stale', type, membership.clerkId, existing.organizationId, 'older than the stored membership');
  await tx
    .delete(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, existing.organizationId), eq(organizationMembers.userId, existing.userId)));
  return {
    result: 'applied',
    audit: { organizationId: existing.organizationId, action: `clerk.${type}`, targetType: 'user', targetId: existing.userId, summary: `member ${existing.email} removed` },
  };
}

async function applyInvitation(tx: Transaction, type: string, invitation: ClerkInvitationData): Promise<Outcome> {
  await lockClerkIds(tx, invitation.clerkId, invitation.organization.clerkId);
  const [existing] = await tx.select().from(organizationInvitations).where(eq(organizationInvitations.clerkId, invitation.clerkId));
  // Invitations only ever leave `pending`, so a pending event after a final one is late.
  if (existing && (isOlder(invitation.updatedAt, existing.updatedAt) || (existing.status !== 'pending' && invitation.status === 'pending'))) {
    return skipped('stale', type, invitation.clerkId, existing.organizationId, 'older than the stored invitation');
  }
  const [known] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.clerkId, invitation.organization.clerkId));
  // Accepting or revoking for an organization we never saw (or already deleted) must not create it.
  if (!known && invitation.status !== 'pending') return skipped('ignored', type, invitation.clerkId, null, 'organization unknown');
  const { clerkId, name, slug, imageUrl } = invitation.organization;
  const organizationId = known?.id ?? (await ensureOrganization(tx, { clerkId, name: name ?? slug ?? clerkId, slug, imageUrl })).id;
  const email = invitation.email.trim().toLowerCase();
  if (invitation.status === 'pending') await supersedePendingInvitations(tx, organizationId, email, invitation.clerkId);
  const values = {
    organizationId,
    email,
    role: invitation.role,
    status: invitation.status,
    tokenHash: null,
    expiresAt: invitation.expiresAt ?? existing?.expiresAt ?? new Date(invitation.createdAt.getTime() + INVITATION_LIFETIME_MS),
    acceptedAt: invitation.status === 'accepted' ? (existing?.acceptedAt ?? invitation.updatedAt) : null,
    updatedAt: invitation.updatedAt,
  };
  const [row] = await tx
    .insert(organizationInvitations)
    .values({ ...values, clerkId: invitation.clerkId })
    .onConflictDoUpdate({ target: organizationInvitations.clerkId, set: values })
    .returning({ id: organizationInvitations.id });
  return {
    result: 'applied',
    audit: { organizationId, action: `clerk.${type}`, targetType: 'invitation', targetId: row!.id, summary: `invitation of ${email} as ${invitation.role}: ${invitation.status}` },
  };
}

/** One open invitation per address: a newer one from Clerk replaces any other still pending here. */
async function supersedePendingInvitations(tx: Transaction, organizationId: string, email: string, clerkId: string): Promise<void> {
  await tx
    .update(organizationInvitations)
    .set({ status: 'revoked' })
    .where(
      and(
        eq(organizationInvitations.organizationId, organizationId),
        eq(sql`lower(${organizationInvitations.email})`, email),
        eq(organizationInvitations.status, 'pending'),
        sql`${organizationInvitations.clerkId} is distinct from ${clerkId}`,
      ),
    );
}

function applyEvent(tx: Transaction, event: ClerkWebhookEvent): Promise<Outcome> {
  switch (event.type) {
    case 'user.created':
    case 'user.updated':
      return applyUser(tx, event.type, event.user);
    case 'user.deleted':
      return deleteUser(tx, event.clerkUserId);
    case 'organization.created':
    case 'organization.updated':
      return applyOrganization(tx, event.type, event.organization);
    case 'organization.deleted':
      return deleteOrganization(tx, event.clerkOrganizationId);
    case 'organizationMembership.created':
    case 'organizationMembership.updated':
      return applyMembership(tx, event.type, event.membership);
    case 'organizationMembership.deleted':
      return deleteMembership(tx, event.membership);
    case 'organizationInvitation.created':
    case 'organizationInvitation.accepted':
    case 'organizationInvitation.revoked':
      return applyInvitation(tx, event.type, event.invitation);
  }
}

async function findOrganization(db: Database, clerkOrganizationId: string, memberUserId: string | undefined) {
  const [row] = await db
    .select({ organizationId: organizations.id, role: organizationMembers.role })
    .from(organizations)
    .leftJoin(
      organizationMembers,
      and(eq(organizationMembers.organizationId, organizations.id), memberUserId ? eq(organizationMembers.userId, memberUserId) : sql`false`),
    )
    .where(eq(organizations.clerkId, clerkOrganizationId));
  return row ? { organizationId: row.organizationId, syncedRole: (row.role ?? null) as MemberRole | null } : null;
}

export function clerkSyncStore(db: Database): ClerkSyncStore {
  return {
    async applyWebhookEvent(event) {
      return commandUnlessNothing<ClerkSyncResult>(db, async (tx) => {
        const [fresh] = await tx
          .insert(clerkWebhookEvents)
          .values({ svixId: event.svixId, eventType: event.type })
          .onConflictDoNothing()
          .returning({ svixId: clerkWebhookEvents.svixId });
        if (!fresh) throw new NothingToWrite<ClerkSyncResult>('duplicate');
        return applyEvent(tx, event);
      });
    },

    async resolveUser(clerkUserId, claims) {
      const [found] = await db.select({ id: users.id }).from(users).where(eq(users.clerkId, clerkUserId));
      if (found) return { userId: found.id };
      return commandUnlessNothing(db, async (tx) => {
        await lockClerkIds(tx, clerkUserId);
        const user = await ensureUser(tx, {
          clerkId: clerkUserId,
          email: claims.email ?? null,
          firstName: claims.firstName ?? null,
          lastName: claims.lastName ?? null,
          imageUrl: null,
        });
        if (!user.created) throw new NothingToWrite({ userId: user.id });
        return {
          result: { userId: user.id },
          audit: { organizationId: null, action: 'clerk.user.provisioned', targetType: 'user', targetId: user.id, summary: `user ${user.email} created from a Clerk session, ahead of its webhook` },
        };
      });
    },

    async resolveOrganization(clerkOrganizationId, claims, memberUserId) {
      const found = await findOrganization(db, clerkOrganizationId, memberUserId);
      if (found) return found;
      const provisioned = await commandUnlessNothing(db, async (tx) => {
        await lockClerkIds(tx, clerkOrganizationId);
        const slug = claims.slug ?? null;
        const organization = await ensureOrganization(tx, { clerkId: clerkOrganizationId, name: slug ?? clerkOrganizationId, slug, imageUrl: null });
        if (!organization.created) throw new NothingToWrite(null);
        return {
          result: { organizationId: organization.id, syncedRole: null },
          audit: { organizationId: organization.id, action: 'clerk.organization.provisioned', targetType: 'organization', targetId: organization.id, summary: `organization ${slug ?? clerkOrganizationId} created from a Clerk session, ahead of its webhook` },
        };
      });
      // Null: another request created it meanwhile.
      return provisioned ?? (await findOrganization(db, clerkOrganizationId, memberUserId))!;
    },
  };
}
