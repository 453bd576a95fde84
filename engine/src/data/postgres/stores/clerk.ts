import { and, eq, sql } from 'drizzle-orm';
import { clerkWebhookEvents, organizationMembers, organizations, users } from '../schema/index.js';
import { command, type AuditRecord } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { deletedLater, ensureOrganization, ensureUser, isOlder, lockClerkIds, organizationIdOf, placeholderEmail, skipped, unusedEmail, unusedSlug, type Outcome } from './clerk-rows.js';
import { applyInvitation } from './clerk-invitations.js';
import { deletedSince, membershipTombstone, organizationTombstone, recordDeletion, userTombstone } from './clerk-tombstones.js';
import type {
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
 * holds Clerk's `updated_at` instead (Clerk is where they change). A deletion leaves no row to compare
 * with, so it leaves a tombstone (clerk-tombstones.ts): a create or update from before the deletion,
 * delivered after it, is stale; a newer one (a member added again) applies.
 */

const clerkActor: WriteContext = { actor: { type: 'system' } };

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

async function applyUser(tx: Transaction, type: 'user.created' | 'user.updated', user: ClerkUserData): Promise<Outcome> {
  await lockClerkIds(tx, user.clerkId);
  const deleted = await deletedSince(tx, user.updatedAt, [userTombstone(user.clerkId)]);
  if (deleted) return deletedLater(type, user.clerkId, null, deleted);
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

async function deleteUser(tx: Transaction, clerkUserId: string, deletedAt: Date): Promise<Outcome> {
  await lockClerkIds(tx, clerkUserId);
  // Also when we never saw the user: its user.created may still be on its way.
  await recordDeletion(tx, userTombstone(clerkUserId), deletedAt);
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

async function applyOrganization(tx: Transaction, type: 'organization.created' | 'organization.updated', organization: ClerkOrganizationData): Promise<Outcome> {
  await lockClerkIds(tx, organization.clerkId, organization.createdBy);
  const deleted = await deletedSince(tx, organization.updatedAt, [organizationTombstone(organization.clerkId)]);
  if (deleted) return deletedLater(type, organization.clerkId, null, deleted);
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

async function deleteOrganization(tx: Transaction, clerkOrganizationId: string, deletedAt: Date): Promise<Outcome> {
  await lockClerkIds(tx, clerkOrganizationId);
  await recordDeletion(tx, organizationTombstone(clerkOrganizationId), deletedAt);
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

async function applyMembership(tx: Transaction, type: 'organizationMembership.created' | 'organizationMembership.updated', membership: ClerkMembershipData): Promise<Outcome> {
  const { organization: clerkOrganization, user: clerkUser } = membership;
  await lockClerkIds(tx, clerkOrganization.clerkId, clerkUser.clerkId);
  // The membership, its organization or its user deleted since: applying would bring them back.
  const deleted = await deletedSince(tx, membership.updatedAt, [
    membershipTombstone(clerkOrganization.clerkId, clerkUser.clerkId),
    organizationTombstone(clerkOrganization.clerkId),
    userTombstone(clerkUser.clerkId),
  ]);
  if (deleted) return deletedLater(type, membership.clerkId, await organizationIdOf(tx, clerkOrganization.clerkId), deleted);
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

async function deleteMembership(tx: Transaction, membership: ClerkMembershipData, deletedAt: Date): Promise<Outcome> {
  await lockClerkIds(tx, membership.organization.clerkId, membership.user.clerkId);
  await recordDeletion(tx, membershipTombstone(membership.organization.clerkId, membership.user.clerkId), deletedAt);
  const existing = await findMembership(tx, membership);
  const type = 'organizationMembership.deleted';
  if (!existing) return skipped('ignored', type, membership.clerkId, await organizationIdOf(tx, membership.organization.clerkId), 'no such membership');
  // A member removed and added again: this deletion of the earlier membership comes late.
  if (isOlder(deletedAt, existing.updatedAt)) return skipped('stale', type, membership.clerkId, existing.organizationId, 'older than the stored membership');
  await tx
    .delete(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, existing.organizationId), eq(organizationMembers.userId, existing.userId)));
  return {
    result: 'applied',
    audit: { organizationId: existing.organizationId, action: `clerk.${type}`, targetType: 'user', targetId: existing.userId, summary: `member ${existing.email} removed` },
  };
}

function applyEvent(tx: Transaction, event: ClerkWebhookEvent): Promise<Outcome> {
  switch (event.type) {
    case 'user.created':
    case 'user.updated':
      return applyUser(tx, event.type, event.user);
    case 'user.deleted':
      return deleteUser(tx, event.clerkUserId, event.deletedAt);
    case 'organization.created':
    case 'organization.updated':
      return applyOrganization(tx, event.type, event.organization);
    case 'organization.deleted':
      return deleteOrganization(tx, event.clerkOrganizationId, event.deletedAt);
    case 'organizationMembership.created':
    case 'organizationMembership.updated':
      return applyMembership(tx, event.type, event.membership);
    case 'organizationMembership.deleted':
      return deleteMembership(tx, event.membership, event.deletedAt);
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
      return commandUnlessNothing<{ userId: string } | null>(db, async (tx) => {
        await lockClerkIds(tx, clerkUserId);
        // Deleted in Clerk: its session token may still be valid for a moment, but the user stays deleted.
        if (await deletedSince(tx, null, [userTombstone(clerkUserId)])) throw new NothingToWrite(null);
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
        if (await deletedSince(tx, null, [organizationTombstone(clerkOrganizationId)])) throw new NothingToWrite(null);
        const slug = claims.slug ?? null;
        const organization = await ensureOrganization(tx, { clerkId: clerkOrganizationId, name: slug ?? clerkOrganizationId, slug, imageUrl: null });
        if (!organization.created) throw new NothingToWrite(null);
        return {
          result: { organizationId: organization.id, syncedRole: null },
          audit: { organizationId: organization.id, action: 'clerk.organization.provisioned', targetType: 'organization', targetId: organization.id, summary: `organization ${slug ?? clerkOrganizationId} created from a Clerk session, ahead of its webhook` },
        };
      });
      // Null: another request created it meanwhile, or it was deleted in Clerk (then null again).
      return provisioned ?? (await findOrganization(db, clerkOrganizationId, memberUserId));
    },
  };
}
