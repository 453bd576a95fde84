import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { auditLog } from '../schema/index.js';
import type { Database } from '../database.js';
import { record, recordForMember, type AuditRecord } from '../write.js';
import type { AuditEntry, AuditStore } from '../../provider.js';
import { isAuditAction, isAuditTargetType } from '../../../audit/catalog.js';

/** The provider's interface takes any string; only the catalog's actions and target types are written. */
function catalogued<Entry extends { action: string; targetType?: string }>(entry: Entry): Entry & Pick<AuditRecord, 'action' | 'targetType'> {
  const { action, targetType } = entry;
  if (!isAuditAction(action)) throw new Error(`Audit action ${action} is not in audit/catalog.ts`);
  if (targetType !== undefined && !isAuditTargetType(targetType)) throw new Error(`Audit target type ${targetType} is not in audit/catalog.ts`);
  return { ...entry, action, targetType };
}

export function auditStore(db: Database): AuditStore {
  return {
    async record(ctx, entry) {
      await db.transaction((tx) => record(tx, ctx, { audit: catalogued(entry) }));
    },

    async recordForUser(ctx, userId, entry) {
      await db.transaction((tx) => recordForMember(tx, ctx, userId, catalogued(entry)));
    },

    async list(organizationId, query = {}) {
      const conditions: SQL[] = [eq(auditLog.organizationId, organizationId)];
      if (query.action?.endsWith('.*')) conditions.push(sql`starts_with(${auditLog.action}, ${query.action.slice(0, -1)})`);
      else if (query.action) conditions.push(eq(auditLog.action, query.action));
      if (query.actorUserId) conditions.push(eq(auditLog.actorUserId, query.actorUserId));
      if (query.actorApiKeyId) conditions.push(eq(auditLog.actorApiKeyId, query.actorApiKeyId));
      if (query.targetType) conditions.push(eq(auditLog.targetType, query.targetType));
      if (query.targetId) conditions.push(eq(auditLog.targetId, query.targetId));
      if (query.since) conditions.push(gte(auditLog.createdAt, query.since));
      if (query.until) conditions.push(lte(auditLog.createdAt, query.until));
      if (query.before) {
        conditions.push(
          or(lt(auditLog.createdAt, query.before.createdAt), and(eq(auditLog.createdAt, query.before.createdAt), lt(auditLog.id, query.before.id)))!,
        );
      }
      const rows = await db
        .select()
        .from(auditLog)
        .where(and(...conditions))
        .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
        .limit(Math.min(query.limit ?? 100, 10_000));
      return rows.map(
        (row): AuditEntry => ({
          id: row.id,
          organizationId: row.organizationId,
          projectId: row.projectId,
          actorType: row.actorType,
          actorUserId: row.actorUserId,
          actorApiKeyId: row.actorApiKeyId,
          action: row.action,
          targetType: row.targetType,
          targetId: row.targetId,
          summary: row.summary,
          ip: row.ip,
          userAgent: row.userAgent,
          createdAt: row.createdAt,
        }),
      );
    },
  };
}
