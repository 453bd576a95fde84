import { and, asc, eq } from 'drizzle-orm';
import { projects } from '../schema/index.js';
import { command, describeChange } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { ConflictError, NotFoundError } from '../../../errors.js';
import { slugCandidates, slugify } from '../../../lib/slug.js';
import type { Project, ProjectStore } from '../../provider.js';

type ProjectRow = typeof projects.$inferSelect;

export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    slug: row.slug,
    description: row.description,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const inOrganization = (organizationId: string, projectId: string) =>
  and(eq(projects.organizationId, organizationId), eq(projects.id, projectId));

export async function insertProject(
  tx: Transaction,
  organizationId: string,
  input: { name: string; slug?: string; description?: string | null },
): Promise<ProjectRow> {
  const candidates = input.slug ? [input.slug] : slugCandidates(slugify(input.name));
  for (const slug of candidates) {
    const [row] = await tx
      .insert(projects)
      .values({ organizationId, name: input.name, slug, description: input.description ?? null })
      .onConflictDoNothing()
      .returning();
    if (row) return row;
  }
  throw new ConflictError(
    `A project with the slug "${input.slug ?? slugify(input.name)}" already exists in this organization`,
    'project_slug_taken',
  );
}

/** Locks the project row for the rest of the transaction; 404 when it is not in this organization. */
async function lockProject(tx: Transaction, organizationId: string, projectId: string): Promise<ProjectRow> {
  const [row] = await tx.select().from(projects).where(inOrganization(organizationId, projectId)).for('update');
  if (!row) throw new NotFoundError('Project', 'project_not_found');
  return row;
}

export function projectStore(db: Database): ProjectStore {
  return {
    async create(ctx, organizationId, input) {
      return command(db, ctx, async (tx) => {
        const project = toProject(await insertProject(tx, organizationId, input));
        return {
          result: project,
          audit: {
            organizationId,
            projectId: project.id,
            action: 'project.created',
            targetType: 'project',
            targetId: project.id,
            summary: `project "${project.name}" (${project.slug}) created`,
          },
          events: [{ organizationId, projectId: project.id, type: 'project.created', payload: { projectId: project.id } }],
        };
      });
    },

    async get(organizationId, projectId) {
      const [row] = await db.select().from(projects).where(inOrganization(organizationId, projectId));
      return row ? toProject(row) : null;
    },

    async list(organizationId) {
      const rows = await db.select().from(projects).where(eq(projects.organizationId, organizationId)).orderBy(asc(projects.name));
      return rows.map(toProject);
    },

    async update(ctx, organizationId, projectId, input) {
      return command(db, ctx, async (tx) => {
        const before = await lockProject(tx, organizationId, projectId);
        const [row] = await tx
          .update(projects)
          .set({
            ...(input.name !== undefined && { name: input.name }),
            ...(input.description !== undefined && { description: input.description }),
            updatedAt: new Date(),
          })
          .where(eq(projects.id, projectId))
          .returning();
        const changes = [
          input.name !== undefined && input.name !== before.name ? describeChange('name', before.name, input.name) : null,
          input.description !== undefined && input.description !== before.description
            ? describeChange('description', before.description, input.description)
            : null,
        ].filter((change): change is string => change !== null);
        return {
          result: toProject(row!),
          audit: {
            organizationId,
            projectId,
            action: 'project.updated',
            targetType: 'project',
            targetId: projectId,
            summary: changes.join('; ') || 'no changes',
          },
          events: [{ organizationId, projectId, type: 'project.updated', payload: { projectId } }],
        };
      });
    },

    async delete(ctx, organizationId, projectId) {
      await command(db, ctx, async (tx) => {
        const before = await lockProject(tx, organizationId, projectId);
        await tx.delete(projects).where(eq(projects.id, projectId));
        return {
          result: undefined,
          // The audit row outlives the project (project_id is set null on delete), so name it here.
          audit: {
            organizationId,
            action: 'project.deleted',
            targetType: 'project',
            targetId: projectId,
            summary: `project "${before.name}" (${before.slug}) deleted`,
          },
          events: [{ organizationId, type: 'project.deleted', payload: { projectId } }],
        };
      });
    },
  };
}
