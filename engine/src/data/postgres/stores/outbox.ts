import { asc, inArray, isNull } from 'drizzle-orm';
import { outboxEvents } from '../schema/index.js';
import type { Database } from '../database.js';
import type { OutboxStore } from '../../provider.js';

export function outboxStore(db: Database): OutboxStore {
  return {
    async listPending(limit) {
      const rows = await db
        .select()
        .from(outboxEvents)
        .where(isNull(outboxEvents.processedAt))
        .orderBy(asc(outboxEvents.seq))
        .limit(limit);
      return rows.map((row) => ({
        id: row.id,
        seq: Number(row.seq),
        organizationId: row.organizationId,
        projectId: row.projectId,
        type: row.type,
        payload: row.payload as Record<string, unknown>,
        createdAt: row.createdAt,
      }));
    },

    async markProcessed(eventIds) {
      if (eventIds.length === 0) return;
      await db.update(outboxEvents).set({ processedAt: new Date() }).where(inArray(outboxEvents.id, eventIds));
    },
  };
}
