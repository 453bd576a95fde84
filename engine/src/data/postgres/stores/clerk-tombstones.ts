import { and, eq, gte, or, sql } from 'drizzle-orm';
import { clerkTombstones } from '../schema/index.js';
import type { Transaction } from '../database.js';

// Deletions mirrored from Clerk (schema/identity.ts): what lets stores/clerk.ts drop a change that was
// made before a deletion but delivered after it. Callers hold the objects' Clerk locks (lockClerkIds).

export type TombstoneKind = 'user' | 'organization' | 'membership';

export interface Tombstone {
  kind: TombstoneKind;
  clerkId: string;
}

export const userTombstone = (clerkId: string): Tombstone => ({ kind: 'user', clerkId });
export const organizationTombstone = (clerkId: string): Tombstone => ({ kind: 'organization', clerkId });
export const membershipTombstone = (organizationClerkId: string, userClerkId: string): Tombstone => ({
  kind: 'membership',
  clerkId: `${organizationClerkId}/${userClerkId}`,
});

/** Records that Clerk deleted the object at `deletedAt`; of two deletions, the later one counts. */
export async function recordDeletion(tx: Transaction, tombstone: Tombstone, deletedAt: Date): Promise<void> {
  await tx
    .insert(clerkTombstones)
    .values({ objectType: tombstone.kind, clerkId: tombstone.clerkId, deletedAt })
    .onConflictDoUpdate({
      target: [clerkTombstones.objectType, clerkTombstones.clerkId],
      set: { deletedAt: sql`greatest(${clerkTombstones.deletedAt}, excluded.deleted_at)` },
    });
}

/**
 * Which of these objects Clerk deleted at or after `changedAt` (so a change from then is out of date),
 * or null. A change of unknown time (null) counts as older than any deletion.
 */
export async function deletedSince(tx: Transaction, changedAt: Date | null, tombstones: Tombstone[]): Promise<TombstoneKind | null> {
  const [row] = await tx
    .select({ kind: clerkTombstones.objectType })
    .from(clerkTombstones)
    .where(
      and(
        or(...tombstones.map((tombstone) => and(eq(clerkTombstones.objectType, tombstone.kind), eq(clerkTombstones.clerkId, tombstone.clerkId)))),
        changedAt ? gte(clerkTombstones.deletedAt, changedAt) : undefined,
      ),
    )
    .limit(1);
  return (row?.kind as TombstoneKind | undefined) ?? null;
}
