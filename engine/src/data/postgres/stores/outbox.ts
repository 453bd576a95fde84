import { asc, inArray, isNull } from 'drizzle-orm';
import { outboxEvents } from '../schema/index.js';
import type { Database } from '../database.js';
import type { OutboxEvent, OutboxStore } from '../../provider.js';

function toEvent(row: typeof outboxEvents.$inferSelect): OutboxEvent {
  return {
    id: row.id,
    seq: Number(row.seq),
    organizationId: row.organizationId,
    projectId: row.projectId,
    type: row.type,
    payload: row.payload as Record<string, unknown>,
    createdAt: row.createdAt,
  };
}

export function outboxStore(db: Database): OutboxStore {
  return {
    async listPending(limit) {
      const rows = await db.select().from(outboxEvents).where(isNull(outboxEvents.processedAt)).orderBy(asc(outboxEvents.seq)).limit(limit);
      return rows.map(toEvent);
    },

    async drain(limit, handler) {
      return db.transaction(async (tx) => {
        // SKIP LOCKED: replicas draining at the same time take disjoint batches instead of waiting.
        const rows = await tx
          .select()
          .from(outboxEvents)
          .where(isNull(outboxEvents.processedAt))
          .orderBy(asc(outboxEvents.seq))
          .limit(limit)
          .for('update', { skipLocked: true });
        if (rows.length === 0) return 0;
        await handler(rows.map(toEvent));
        await tx
          .update(outboxEvents)
          .set({ processedAt: new Date() })
          .where(inArray(outboxEvents.id, rows.map((row) => row.id)));
        return rows.length;
      });
    },
  };
}
