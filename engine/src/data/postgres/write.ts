import { auditLog, outboxEvents } from './schema/index.js';
import type { Database, Transaction } from './database.js';
import type { WriteContext } from '../provider.js';

export interface AuditRecord {
  organizationId: string | null;
  projectId?: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  summary: string;
}

export interface EventRecord {
  organizationId: string | null;
  projectId?: string | null;
  type: string;
  payload: Record<string, unknown>;
}

/**
 * Runs one use-case command: the change, its audit entry and its outgoing events commit together
 * or not at all. Every write method of the provider goes through here.
 */
export async function command<T>(
  db: Database,
  ctx: WriteContext,
  change: (tx: Transaction) => Promise<{ result: T; audit: AuditRecord; events?: EventRecord[] }>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const { result, audit, events = [] } = await change(tx);
    await tx.insert(auditLog).values({
      organizationId: audit.organizationId,
      projectId: audit.projectId ?? null,
      actorType: ctx.actor.type,
      actorUserId: ctx.actor.type === 'user' ? ctx.actor.userId : null,
      actorApiKeyId: ctx.actor.type === 'api_key' ? ctx.actor.apiKeyId : null,
      action: audit.action,
      targetType: audit.targetType ?? null,
      targetId: audit.targetId ?? null,
      summary: audit.summary,
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent ?? null,
    });
    if (events.length > 0) {
      await tx.insert(outboxEvents).values(
        events.map((event) => ({
          organizationId: event.organizationId,
          projectId: event.projectId ?? null,
          type: event.type,
          payload: event.payload,
        })),
      );
    }
    return result;
  });
}

/** Describes a field change for the audit summary without leaking long contents. */
export function describeChange(field: string, from: string | null, to: string | null): string {
  const clip = (value: string | null) => (value === null ? '∅' : value.length > 60 ? `${value.slice(0, 57)}…` : value);
  return `${field}: "${clip(from)}" → "${clip(to)}"`;
}
