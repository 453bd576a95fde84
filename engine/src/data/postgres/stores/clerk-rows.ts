import { and, eq, ne, sql } from 'drizzle-orm';
import { organizations, users } from '../schema/index.js';
import type { Transaction } from '../database.js';
import type { AuditRecord } from '../write.js';
import { slugCandidates, slugify } from '../../../lib/slug.js';
import type { ClerkMemberUserData, ClerkSyncResult } from '../../clerk-sync.js';
import type { TombstoneKind } from './clerk-tombstones.js';

// Row helpers for the Clerk mirror (stores/clerk.ts): find-or-create by Clerk id, free emails and slugs,
// and what applying one event comes to.

/** One event applied (or skipped, which is on record too). */
export interface Outcome {
  result: Exclude<ClerkSyncResult, 'duplicate'>;
  audit: AuditRecord;
}

export function skipped(result: 'stale' | 'ignored', type: string, clerkId: string, organizationId: string | null, reason: string): Outcome {
  return { result, audit: { organizationId, action: 'clerk.event_skipped', summary: `${type} for ${clerkId} ${result}: ${reason}` } };
}

export const deletedLater = (type: string, clerkId: string, organizationId: string | null, deleted: TombstoneKind) =>
  skipped('stale', type, clerkId, organizationId, `the ${deleted} was deleted in Clerk after this change`);

export const isOlder = (incoming: Date | null, stored: Date | null) => incoming !== null && stored !== null && incoming < stored;

/**
 * Serializes transactions that touch the same Clerk objects (two deliveries for one user, a webhook
 * racing a session token). Every transaction takes all its locks up front, in one order, so two of them
 * cannot deadlock.
 */
export async function lockClerkIds(tx: Transaction, ...clerkIds: Array<string | null>): Promise<void> {
  const keys = [...new Set(clerkIds.filter((id): id is string => id !== null))].sort();
  for (const key of keys) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`clerk:${key}`}, 0))`);
}

/** Stands in for a Clerk user's email until Clerk tells it; `.invalid` can never receive mail. */
export function placeholderEmail(clerkUserId: string): string {
  return `${clerkUserId}@users.clerk.invalid`;
}

/**
 * The address, normalized, unless another account holds it. Accounts are matched by Clerk id only:
 * an address already in use is never taken as proof that two accounts are the same person.
 */
export async function unusedEmail(tx: Transaction, email: string, ownUserId?: string): Promise<string | null> {
  const normalized = email.trim().toLowerCase();
  const [holder] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, normalized), ownUserId ? ne(users.id, ownUserId) : undefined));
  return holder ? null : normalized;
}

/** Clerk's slug (or the name's) when free, else the first free variant: acme, acme-2, … */
export async function unusedSlug(tx: Transaction, wanted: string, clerkOrganizationId: string, ownOrganizationId?: string): Promise<string> {
  const base = slugify(wanted);
  // Past the numbered variants, the Clerk id makes it unique.
  for (const slug of [...slugCandidates(base), slugify(`${base}-${clerkOrganizationId}`)]) {
    const [holder] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, slug));
    if (!holder || holder.id === ownOrganizationId) return slug;
  }
  throw new Error(`No free organization slug for Clerk organization ${clerkOrganizationId}`);
}

/**
 * Our user for a Clerk user, created as a placeholder from what the caller knows when it has not been
 * synced yet. The placeholder has no `clerk_updated_at`, so the next user event overwrites it.
 */
export async function ensureUser(tx: Transaction, user: ClerkMemberUserData): Promise<{ id: string; email: string; created: boolean }> {
  const [existing] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.clerkId, user.clerkId));
  if (existing) return { ...existing, created: false };
  const email = (user.email ? await unusedEmail(tx, user.email) : null) ?? placeholderEmail(user.clerkId);
  const [row] = await tx
    .insert(users)
    .values({ clerkId: user.clerkId, email, firstName: user.firstName, lastName: user.lastName, imageUrl: user.imageUrl })
    .returning({ id: users.id, email: users.email });
  return { ...row!, created: true };
}

export interface OrganizationSketch {
  clerkId: string;
  name: string;
  slug: string | null;
  imageUrl: string | null;
}

/** Our organization's id for a Clerk organization; null when it has not been synced (or was deleted). */
export async function organizationIdOf(tx: Transaction, clerkOrganizationId: string): Promise<string | null> {
  const [row] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.clerkId, clerkOrganizationId));
  return row?.id ?? null;
}

/** Our organization for a Clerk organization, created as a placeholder (see ensureUser) when not synced yet. */
export async function ensureOrganization(tx: Transaction, organization: OrganizationSketch): Promise<{ id: string; created: boolean }> {
  const existingId = await organizationIdOf(tx, organization.clerkId);
  if (existingId) return { id: existingId, created: false };
  const slug = await unusedSlug(tx, organization.slug ?? organization.name, organization.clerkId);
  const [row] = await tx
    .insert(organizations)
    .values({ clerkId: organization.clerkId, name: organization.name, slug, imageUrl: organization.imageUrl })
    .returning({ id: organizations.id });
  return { id: row!.id, created: true };
}
