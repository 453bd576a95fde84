/**
 * Clerk mode (`AUTH_PROVIDER=clerk`, issue 4): Clerk owns users, organizations, memberships and
 * invitations; this store mirrors them from Clerk's webhooks and from session tokens that arrive before
 * the webhooks do. Events are already validated and mapped onto our terms (roles, dates) by the webhook
 * route (auth/clerk/events.ts); nothing of Clerk's JSON shape crosses this boundary.
 */
import type { MemberRole } from './provider.js';

export interface ClerkUserData {
  clerkId: string;
  /** The primary email address; null when the user has none (e.g. phone-only sign-up). */
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  updatedAt: Date;
}

export interface ClerkOrganizationData {
  clerkId: string;
  name: string;
  /** Null when Clerk's organization slugs are turned off; a slug is then derived from the name. */
  slug: string | null;
  imageUrl: string | null;
  /** The creating user's Clerk id, when Clerk says: that member is our owner (see auth/clerk/roles.ts). */
  createdBy: string | null;
  updatedAt: Date;
}

/** What a membership event tells about its user: enough for a placeholder until user.created arrives. */
export interface ClerkMemberUserData {
  clerkId: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
}

export interface ClerkMembershipData {
  clerkId: string;
  /** Already mapped onto our roles, creator rule included. Unused by deletions. */
  role: MemberRole;
  /** Null only on deletions that did not say. */
  updatedAt: Date | null;
  organization: Omit<ClerkOrganizationData, 'updatedAt' | 'createdBy'>;
  user: ClerkMemberUserData;
}

export interface ClerkInvitationData {
  clerkId: string;
  organization: { clerkId: string; name: string | null; slug: string | null; imageUrl: string | null };
  email: string;
  role: MemberRole;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  /** Null when Clerk did not say: then 30 days after `createdAt`. */
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One verified webhook delivery; `svixId` makes a replay change nothing. A deletion carries when it
 * happened (`deletedAt`), so that changes from before it, delivered after it, are dropped.
 */
export type ClerkWebhookEvent = { svixId: string } & (
  | { type: 'user.created' | 'user.updated'; user: ClerkUserData }
  | { type: 'user.deleted'; clerkUserId: string; deletedAt: Date }
  | { type: 'organization.created' | 'organization.updated'; organization: ClerkOrganizationData }
  | { type: 'organization.deleted'; clerkOrganizationId: string; deletedAt: Date }
  | { type: 'organizationMembership.created' | 'organizationMembership.updated'; membership: ClerkMembershipData }
  | { type: 'organizationMembership.deleted'; membership: ClerkMembershipData; deletedAt: Date }
  | { type: 'organizationInvitation.created' | 'organizationInvitation.accepted' | 'organizationInvitation.revoked'; invitation: ClerkInvitationData }
);

export type ClerkWebhookEventType = ClerkWebhookEvent['type'];

/**
 * - `applied`: the change is stored.
 * - `duplicate`: this svix id was applied before; nothing changed.
 * - `stale`: older than what is stored, or than the object's deletion (events arrive out of order);
 *   recorded, nothing changed.
 * - `ignored`: nothing to do (e.g. deleting something never synced); recorded, nothing changed but
 *   a deletion's tombstone (its create may still be on the way).
 */
export type ClerkSyncResult = 'applied' | 'duplicate' | 'stale' | 'ignored';

export interface ClerkSyncStore {
  /** Applies one delivery in one transaction with its svix id and its audit entry. */
  applyWebhookEvent(event: ClerkWebhookEvent): Promise<ClerkSyncResult>;
  /**
   * Our user for a Clerk user id. When the session token arrives before user.created, creates a
   * placeholder (email from the claims, else `<clerkUserId>@users.clerk.invalid`) that the webhook
   * later fills in. Null when Clerk deleted the user (a session token may outlive the deletion briefly).
   */
  resolveUser(clerkUserId: string, claims: { email?: string; firstName?: string; lastName?: string }): Promise<{ userId: string } | null>;
  /**
   * Our organization for a Clerk organization id, created as a placeholder (named after its slug) when
   * the webhook has not arrived yet. With `memberUserId`, also answers that user's synced role there
   * (null when not a member yet) — the creator's `owner` lives only in the synced state, not the token.
   * Null when Clerk deleted the organization.
   */
  resolveOrganization(
    clerkOrganizationId: string,
    claims: { slug?: string },
    memberUserId?: string,
  ): Promise<{ organizationId: string; syncedRole: MemberRole | null } | null>;
}
