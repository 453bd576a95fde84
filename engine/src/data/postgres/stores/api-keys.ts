import { and, asc, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { projectApiKeys, projects } from '../schema/index.js';
import { command } from '../write.js';
import type { Database, Transaction } from '../database.js';
import { ConflictError, NotFoundError } from '../../../errors.js';
import type { ApiKeyStore, ProjectApiKey } from '../../provider.js';

type ApiKeyRow = typeof projectApiKeys.$inferSelect;

function toApiKey(row: ApiKeyRow): ProjectApiKey {
  return {
    id: row.id,
    projectId: row.projectId,
    name: row.name,
    keyPrefix: row.keyPrefix,
    createdBy: row.createdBy,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
  };
}

/** The project, if it is in this organization (404 otherwise: another organization's project does not exist). */
async function assertProject(tx: Transaction | Database, organizationId: string, projectId: string): Promise<void> {
  const [project] = await tx
    .select({ id: projects.id })
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.organizationId, organizationId)));
  if (!project) throw new NotFoundError('Project', 'project_not_found');
}

async function lockKey(tx: Transaction, projectId: string, keyId: string): Promise<ApiKeyRow> {
  const [row] = await tx
    .select()
    .from(projectApiKeys)
    .where(and(eq(projectApiKeys.id, keyId), eq(projectApiKeys.projectId, projectId)))
    .for('update');
  if (!row) throw new NotFoundError('API key', 'api_key_not_found');
  return row;
}

export function apiKeyStore(db: Database): ApiKeyStore {
  const createdBy = (actor: { type: string; userId?: string }) => (actor.type === 'user' ? (actor.userId ?? null) : null);
  return {
    async create(ctx, organizationId, projectId, input) {
      return command(db, ctx, async (tx) => {
        await assertProject(tx, organizationId, projectId);
        const [row] = await tx
          .insert(projectApiKeys)
          .values({ projectId, ...input, createdBy: createdBy(ctx.actor as { type: string; userId?: string }) })
          .returning();
        const key = toApiKey(row!);
        return {
          result: key,
          audit: { organizationId, projectId, action: 'api_key.created', targetType: 'api_key', targetId: key.id, summary: `API key "${key.name}" (${key.keyPrefix}…) created` },
        };
      });
    },

    async list(organizationId, projectId) {
      await assertProject(db, organizationId, projectId);
      const rows = await db.select().from(projectApiKeys).where(eq(projectApiKeys.projectId, projectId)).orderBy(desc(projectApiKeys.createdAt));
      return rows.map(toApiKey);
    },

    async listOfOrganization(organizationId) {
      const rows = await db
        .select({ key: projectApiKeys, projectName: projects.name })
        .from(projectApiKeys)
        .innerJoin(projects, eq(projects.id, projectApiKeys.projectId))
        .where(eq(projects.organizationId, organizationId))
        .orderBy(asc(projects.name), asc(projects.id), desc(projectApiKeys.createdAt));
      return rows.map((row) => ({ ...toApiKey(row.key), projectName: row.projectName }));
    },

    async revoke(ctx, organizationId, projectId, keyId) {
      await command(db, ctx, async (tx) => {
        await assertProject(tx, organizationId, projectId);
        const key = await lockKey(tx, projectId, keyId);
        if (key.revokedAt) throw new ConflictError('This key is already revoked', 'api_key_revoked');
        await tx.update(projectApiKeys).set({ revokedAt: new Date() }).where(eq(projectApiKeys.id, keyId));
        return {
          result: undefined,
          audit: { organizationId, projectId, action: 'api_key.revoked', targetType: 'api_key', targetId: keyId, summary: `API key "${key.name}" (${key.keyPrefix}…) revoked` },
          events: [{ organizationId, projectId, type: 'api_key.revoked', payload: { apiKeyId: keyId, keyHash: key.keyHash } }],
        };
      });
    },

    async rotate(ctx, organizationId, projectId, keyId, input) {
      return command(db, ctx, async (tx) => {
        await assertProject(tx, organizationId, projectId);
        const old = await lockKey(tx, projectId, keyId);
        if (old.revokedAt) throw new ConflictError('A revoked key cannot be rotated; create a new key', 'api_key_revoked');
        if (old.rotatedAt) throw new ConflictError('This key was already rotated; rotate its replacement instead', 'api_key_already_rotated');
        const graceEnds = new Date(Date.now() + input.graceSeconds * 1000);
        // The old key keeps working through the grace period (never longer than it would have anyway).
        const expiresAt = old.expiresAt && old.expiresAt < graceEnds ? old.expiresAt : graceEnds;
        await tx.update(projectApiKeys).set({ expiresAt, rotatedAt: new Date() }).where(eq(projectApiKeys.id, keyId));
        const [row] = await tx
          .insert(projectApiKeys)
          .values({
            projectId,
            name: old.name,
            keyHash: input.keyHash,
            keyPrefix: input.keyPrefix,
            // A key made to expire keeps that lifetime when replaced.
            expiresAt: old.expiresAt ? new Date(Date.now() + (old.expiresAt.getTime() - old.createdAt.getTime())) : null,
            createdBy: createdBy(ctx.actor as { type: string; userId?: string }),
          })
          .returning();
        const key = toApiKey(row!);
        return {
          result: key,
          audit: {
            organizationId,
            projectId,
            action: 'api_key.rotated',
            targetType: 'api_key',
            targetId: key.id,
            summary: `API key "${old.name}" rotated: ${old.keyPrefix}… works until ${expiresAt.toISOString()}, replaced by ${key.keyPrefix}…`,
          },
          events: [{ organizationId, projectId, type: 'api_key.rotated', payload: { apiKeyId: keyId, keyHash: old.keyHash } }],
        };
      });
    },

    async findByHash(keyHash) {
      const [row] = await db
        .select({ key: projectApiKeys, organizationId: projects.organizationId })
        .from(projectApiKeys)
        .innerJoin(projects, eq(projects.id, projectApiKeys.projectId))
        .where(eq(projectApiKeys.keyHash, keyHash));
      return row ? { ...toApiKey(row.key), organizationId: row.organizationId } : null;
    },

    async touch(keyId) {
      await db
        .update(projectApiKeys)
        .set({ lastUsedAt: sql`now()` })
        .where(and(eq(projectApiKeys.id, keyId), or(isNull(projectApiKeys.lastUsedAt), lt(projectApiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
    },
  };
}
