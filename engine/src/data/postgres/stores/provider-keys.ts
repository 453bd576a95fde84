import { and, asc, eq } from 'drizzle-orm';
import { organizationApiKeys } from '../schema/index.js';
import { command } from '../write.js';
import { isUniqueViolation, type Database } from '../database.js';
import { ConflictError, NotFoundError } from '../../../errors.js';
import type { ProviderKey, ProviderKeyStore } from '../../provider.js';

function toProviderKey(row: typeof organizationApiKeys.$inferSelect): ProviderKey {
  return {
    id: row.id,
    organizationId: row.organizationId,
    service: row.service,
    name: row.name,
    keyHint: row.keyHint,
    baseUrl: row.baseUrl,
    createdAt: row.createdAt,
  };
}

export function providerKeyStore(db: Database): ProviderKeyStore {
  return {
    async create(ctx, organizationId, input) {
      try {
        return await command(db, ctx, async (tx) => {
          const [row] = await tx
            .insert(organizationApiKeys)
            .values({ organizationId, ...input, createdBy: ctx.actor.type === 'user' ? ctx.actor.userId : null })
            .returning();
          const key = toProviderKey(row!);
          return {
            result: key,
            audit: { organizationId, action: 'provider_key.created', targetType: 'provider_key', targetId: key.id, summary: `${key.service} key "${key.name}" (${key.keyHint}) added` },
          };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`A provider key named "${input.name}" already exists`, 'provider_key_name_taken');
        throw error;
      }
    },

    async list(organizationId) {
      const rows = await db.select().from(organizationApiKeys).where(eq(organizationApiKeys.organizationId, organizationId)).orderBy(asc(organizationApiKeys.name));
      return rows.map(toProviderKey);
    },

    async getEncrypted(organizationId, keyId) {
      const [row] = await db
        .select({ encryptedKey: organizationApiKeys.encryptedKey })
        .from(organizationApiKeys)
        .where(and(eq(organizationApiKeys.id, keyId), eq(organizationApiKeys.organizationId, organizationId)));
      return row?.encryptedKey ?? null;
    },

    async delete(ctx, organizationId, keyId) {
      await command(db, ctx, async (tx) => {
        const [row] = await tx
          .delete(organizationApiKeys)
          .where(and(eq(organizationApiKeys.id, keyId), eq(organizationApiKeys.organizationId, organizationId)))
          .returning();
        if (!row) throw new NotFoundError('Provider key', 'provider_key_not_found');
        return {
          result: undefined,
          audit: { organizationId, action: 'provider_key.deleted', targetType: 'provider_key', targetId: keyId, summary: `${row.service} key "${row.name}" deleted` },
        };
      });
    },
  };
}
