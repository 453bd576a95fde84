import { and, eq, sql } from 'drizzle-orm';
import { NotFoundError } from '../../../errors.js';
import { projects, traces } from '../schema/index.js';
import { command } from '../write.js';
import type { Database } from '../database.js';
import type { WriteContext } from '../../provider.js';
import type { ProjectScope } from '../../traces.js';

/** Rows per statement: short transactions, so ingestion never waits long on a purge. */
const BATCH = 1000;

export async function deleteTrace(db: Database, ctx: WriteContext, scope: ProjectScope, traceId: string): Promise<void> {
  return command(db, ctx, async (tx) => {
    const [deleted] = await tx
      .delete(traces)
      .where(and(eq(traces.projectId, scope.projectId), eq(traces.traceId, traceId)))
      .returning({ id: traces.id, spanCount: traces.spanCount });
    if (!deleted) throw new NotFoundError('Trace', 'trace_not_found');
    return {
      result: undefined,
      audit: {
        organizationId: scope.organizationId,
        projectId: scope.projectId,
        action: 'trace.deleted',
        targetType: 'trace',
        targetId: deleted.id,
        summary: `trace "${traceId}" deleted with ${deleted.spanCount} spans`,
      },
    };
  });
}

/** One statement: the spans go by cascade; a project's logs are cleared by an admin, rarely. */
export async function clearTraces(db: Database, ctx: WriteContext, scope: ProjectScope): Promise<number> {
  return command(db, ctx, async (tx) => {
    const deleted = await tx.delete(traces).where(eq(traces.projectId, scope.projectId)).returning({ id: traces.id });
    return {
      result: deleted.length,
      audit: {
        organizationId: scope.organizationId,
        projectId: scope.projectId,
        action: 'trace.cleared',
        targetType: 'project',
        targetId: scope.projectId,
        summary: `all ${deleted.length} traces of the project deleted`,
      },
    };
  });
}

/** Runs a batched DELETE … RETURNING until it deletes nothing; answers the total. */
async function deleteInBatches(db: Database, statement: () => ReturnType<Database['execute']>): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await statement();
    const count = result.rowCount ?? 0;
    total += count;
    if (count === 0) return total;
  }
}

export async function purgeExpiredTraces(db: Database, options: { eventIdsBefore: Date; batchSize?: number }): Promise<{ traces: number; eventIds: number }> {
  const batch = options.batchSize ?? BATCH;
  // Uses traces_project_started_at_idx per project with a retention setting.
  const expiredTraces = await deleteInBatches(db, () =>
    db.execute(sql`
      delete from traces where id in (
        select t.id from projects p
        cross join lateral (
          select id from traces
          where project_id = p.id and started_at < now() - p.retention_days * interval '1 day'
          limit ${batch}
        ) t
        where p.retention_days is not null
        limit ${batch}
      )`),
  );
  const eventIds = await deleteInBatches(db, () =>
    db.execute(sql`
      delete from ingested_events where ctid in (
        select ctid from ingested_events where created_at < ${options.eventIdsBefore.toISOString()}::timestamptz limit ${batch}
      )`),
  );
  return { traces: expiredTraces, eventIds };
}

export async function traceRetention(db: Database, projectId: string): Promise<number | null> {
  const [row] = await db.select({ retentionDays: projects.retentionDays }).from(projects).where(eq(projects.id, projectId));
  return row?.retentionDays ?? null;
}

export async function setTraceRetention(db: Database, ctx: WriteContext, scope: ProjectScope, retentionDays: number | null): Promise<void> {
  await command(db, ctx, async (tx) => {
    const [before] = await tx.select({ retentionDays: projects.retentionDays }).from(projects).where(eq(projects.id, scope.projectId)).for('update');
    if (!before) throw new NotFoundError('Project', 'project_not_found');
    await tx.update(projects).set({ retentionDays, updatedAt: new Date() }).where(eq(projects.id, scope.projectId));
    const describe = (days: number | null) => (days === null ? 'forever' : `${days} days`);
    return {
      result: undefined,
      audit: {
        organizationId: scope.organizationId,
        projectId: scope.projectId,
        action: 'project.trace_retention_changed',
        targetType: 'project',
        targetId: scope.projectId,
        summary: `trace retention: ${describe(before.retentionDays)} → ${describe(retentionDays)}`,
      },
    };
  });
}
