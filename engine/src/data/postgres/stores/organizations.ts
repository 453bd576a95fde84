import { and, asc, eq } from 'drizzle-orm';
import { organizationMembers, organizations } from '../schema/index.js';
import { command, describeChange } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { ConflictError, NotFoundError } from '../../../errors.js';
import { slugCandidates, slugify } from '../../../lib/slug.js';
import type { Organization, OrganizationStore } from '../../provider.js';

type OrganizationRow = typeof organizations.$inferSelect;

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    imageUrl: row.imageUrl,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Inserts with the first free slug; an explicitly requested slug that is taken is a conflict. */
export async function insertOrganization(tx: Transaction, name: string, requestedSlug: string | undefined): Promise<OrganizationRow> {
  const candidates = requestedSlug ? [requestedSlug] : slugCandidates(slugify(name));
  for (const slug of candidates) {
    const [row] = await tx.insert(organizations).values({ name, slug }).onConflictDoNothing().returning();
    if (row) return row;
  }
  throw new ConflictError(`The organization slug "${requestedSlug ?? slugify(name)}" is already taken`, 'organization_slug_taken');
}

export function organizationStore(db: Database): OrganizationStore {
  return {
    async create(ctx, input) {
      return command(db, ctx, async (tx) => {
        const organization = toOrganization(await insertOrganization(tx, input.name, input.slug));
        await tx.insert(organizationMembers).values({ organizationId: organization.id, userId: input.ownerUserId, role: 'owner' });
        return {
          result: organization,
          audit: {
            organizationId: organization.id,
            action: 'organization.created',
            targetType: 'organization',
            targetId: organization.id,
            summary: `organization "${organization.name}" created`,
          },
          events: [{ organizationId: organization.id, type: 'organization.created', payload: { organizationId: organization.id } }],
        };
      });
    },

    async get(organizationId) {
      const [row] = await db.select().from(organizations).where(eq(organizations.id, organizationId));
      return row ? toOrganization(row) : null;
    },

    async rename(ctx, organizationId, name) {
      return command(db, ctx, async (tx) => {
        const [before] = await tx.select().from(organizations).where(eq(organizations.id, organizationId)).for('update');
        if (!before) throw new NotFoundError('Organization', 'organization_not_found');
        const [row] = await tx
          .update(organizations)
          .set({ name, updatedAt: new Date() })
          .where(eq(organizations.id, organizationId))
          .returning();
        return {
          result: toOrganization(row!),
          audit: {
            organizationId,
            action: 'organization.renamed',
            targetType: 'organization',
            targetId: organizationId,
            summary: describeChange('name', before.name, name),
          },
          events: [{ organizationId, type: 'organization.updated', payload: { organizationId } }],
        };
      });
    },

    async listForUser(userId) {
      const rows = await db
        .select({ organization: organizations, role: organizationMembers.role })
        .from(organizationMembers)
        .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
        .where(eq(organizationMembers.userId, userId))
        .orderBy(asc(organizations.name));
      return rows.map(({ organization, role }) => ({ ...toOrganization(organization), role }));
    },

    async delete(ctx, organizationId) {
      await command(db, ctx, async (tx) => {
        const [deleted] = await tx.delete(organizations).where(eq(organizations.id, organizationId)).returning();
        if (!deleted) throw new NotFoundError('Organization', 'organization_not_found');
        // The organization's audit rows go with it; the deletion itself is kept instance-wide.
        return {
          result: undefined,
          audit: { organizationId: null, action: 'organization.deleted', targetType: 'organization', targetId: organizationId, summary: `organization "${deleted.name}" deleted` },
          events: [{ organizationId: null, type: 'organization.deleted', payload: { organizationId } }],
        };
      });
    },

    async getRole(organizationId, userId) {
      const [row] = await db
        .select({ role: organizationMembers.role })
        .from(organizationMembers)
        .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
      return row?.role ?? null;
    },
  };
}
