import { and, eq, sql } from 'drizzle-orm';
import { organizationInvitations } from '../schema/index.js';
import type { Transaction } from '../database.js';
import { deletedLater, ensureOrganization, isOlder, lockClerkIds, organizationIdOf, skipped, type Outcome } from './clerk-rows.js';
import { deletedSince, organizationTombstone } from './clerk-tombstones.js';
import type { ClerkInvitationData } from '../../clerk-sync.js';

// Invitations mirrored from Clerk (stores/clerk.ts): Clerk owns the link, we show the state.

const INVITATION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

type InvitationEventType = 'organizationInvitation.created' | 'organizationInvitation.accepted' | 'organizationInvitation.revoked';

export async function applyInvitation(tx: Transaction, type: InvitationEventType, invitation: ClerkInvitationData): Promise<Outcome> {
  await lockClerkIds(tx, invitation.clerkId, invitation.organization.clerkId);
  // A pending invitation would bring a deleted organization back (as a placeholder).
  const deleted = await deletedSince(tx, invitation.updatedAt, [organizationTombstone(invitation.organization.clerkId)]);
  if (deleted) return deletedLater(type, invitation.clerkId, null, deleted);
  const [existing] = await tx.select().from(organizationInvitations).where(eq(organizationInvitations.clerkId, invitation.clerkId));
  // Invitations only ever leave `pending`, so a pending event after a final one is late.
  if (existing && (isOlder(invitation.updatedAt, existing.updatedAt) || (existing.status !== 'pending' && invitation.status === 'pending'))) {
    return skipped('stale', type, invitation.clerkId, existing.organizationId, 'older than the stored invitation');
  }
  const knownId = await organizationIdOf(tx, invitation.organization.clerkId);
  // Accepting or revoking for an organization we never saw (or already deleted) must not create it.
  if (!knownId && invitation.status !== 'pending') return skipped('ignored', type, invitation.clerkId, null, 'organization unknown');
  const { clerkId, name, slug, imageUrl } = invitation.organization;
  const organizationId = knownId ?? (await ensureOrganization(tx, { clerkId, name: name ?? slug ?? clerkId, slug, imageUrl })).id;
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
