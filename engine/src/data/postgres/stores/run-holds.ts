import { sql, type Column } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { poolOf, type Database } from '../database.js';

/**
 * How background runs are held (see RunHolds in data/reports.ts): a session advisory lock on the
 * handler's own connection, which PostgreSQL releases when that connection ends — also when the
 * engine is killed — so a held run always has a live handler.
 */
const RUN_LOCKS = 0x52554e53; // "RUNS": the first key of every run's lock; the second is the run id's hash.
const lockKeys = (runId: string) => [RUN_LOCKS, runId];

export async function withRunHeld(db: Database, runId: string, work: () => Promise<void>): Promise<boolean> {
  const client = await poolOf(db).connect();
  // A connection that failed a statement is dropped rather than pooled (dropping it also releases the lock).
  let unusable: Error | undefined;
  const query = <Row extends pg.QueryResultRow>(text: string) =>
    client.query<Row>(text, lockKeys(runId)).catch((error: Error) => {
      unusable = error;
      throw error;
    });
  try {
    const { rows } = await query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS held');
    if (!rows[0]?.held) return false;
    try {
      await work();
    } finally {
      await query('SELECT pg_advisory_unlock($1, hashtext($2))').catch(() => undefined);
    }
    return true;
  } finally {
    client.release(unusable);
  }
}

/** A table of background runs: `status` queued → running → completed | failed, with `error` and `finished_at` (and `updated_at` when it has one). */
type RunTable = PgTable & { id: Column; createdAt: Column; updatedAt?: Column };

/**
 * Fails the interrupted runs of the table (see RunHolds.failInterruptedRuns): created before
 * `createdBefore`, no live job of `jobName` for them in pg-boss's queue, and nobody holding them. The
 * last check takes the run's lock until the statement ends, so no handler starts on it meanwhile; CASE
 * keeps the lock from being taken for runs the other checks spare.
 */
export async function failInterruptedRuns(db: Database, runs: RunTable, { jobName, createdBefore, error }: { jobName: string; createdBefore: Date; error: string }): Promise<string[]> {
  const liveJob = sql`SELECT 1 FROM pgboss.job WHERE name = ${jobName} AND data->>'runId' = ${runs.id}::text AND state IN ('created', 'retry', 'active')`;
  // Drizzle's $onUpdate does not fire for SQL written by hand (columns.ts).
  const touched = runs.updatedAt ? sql`, updated_at = now()` : sql``;
  const { rows } = await db.execute<{ id: string }>(sql`
    UPDATE ${runs} SET status = 'failed', error = ${error}, finished_at = now()${touched}
    WHERE status IN ('queued', 'running')
      AND CASE WHEN ${runs.createdAt} < ${createdBefore.toISOString()}::timestamptz AND NOT EXISTS (${liveJob})
        THEN pg_try_advisory_xact_lock(${RUN_LOCKS}, hashtext(${runs.id}::text)) ELSE false END
    RETURNING id`);
  return rows.map((row) => row.id);
}

/**
 * The `jobName` jobs working since before `startedBefore` whose run (queued or running) nobody holds:
 * their handler's engine was killed, and pg-boss would wait for the job's expiry before delivering
 * it again. A live handler holds its run from the moment it starts the job (withRunHeld).
 */
export async function abandonedJobs(db: Database, runs: RunTable, { jobName, startedBefore }: { jobName: string; startedBefore: Date }): Promise<string[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    SELECT job.id FROM pgboss.job job
    WHERE job.name = ${jobName} AND job.state = 'active'
      AND CASE WHEN job.started_on < ${startedBefore.toISOString()}::timestamptz
          AND EXISTS (SELECT 1 FROM ${runs} WHERE ${runs.id}::text = job.data->>'runId' AND status IN ('queued', 'running'))
        THEN pg_try_advisory_xact_lock(${RUN_LOCKS}, hashtext(job.data->>'runId')) ELSE false END`);
  return rows.map((row) => row.id);
}
