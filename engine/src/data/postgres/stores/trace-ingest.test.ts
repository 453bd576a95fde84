import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import { createTestDatabase } from '../../../../test/helpers/db.js';
import { createDatabase, createPool, type Database } from '../database.js';
import { organizations, projects } from '../schema/index.js';
import { ingestEvents } from './trace-ingest.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let db: Database;
let projectId = '';
const at = (s: number) => new Date(Date.UTC(2025, 0, 31, 12, 0, s)).toISOString();
const ev = (id: string, type: IngestEvent['type'], body: IngestEvent['body'], ts = at(0)): IngestEvent => ({ id, timestamp: ts, type, body }) as IngestEvent;
const span = async (spanId: string) => (await pool.query<{ name: string | null }>('select name from spans where project_id = $1 and span_id = $2', [projectId, spanId])).rows[0]!;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  db = createDatabase(pool);
  const [org] = await db.insert(organizations).values({ name: 'P', slug: 'p' }).returning();
  const [project] = await db.insert(projects).values({ organizationId: org!.id, name: 'A', slug: 'a' }).returning();
  projectId = project!.id;
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** Idempotency and races of the write path that the HTTP tests do not reach (found in review). */
describe('ingestEvents', () => {
  it('answers a retried second create of a stored span as a duplicate, and does not apply it again', async () => {
    expect(await ingestEvents(db, projectId, [ev('c1', 'span-create', { id: 's1', traceId: 't1', name: 'first' }, at(1))])).toEqual(['applied']);
    const second = [ev('c2', 'span-create', { id: 's1', traceId: 't1', name: 'second' }, at(2))];
    expect(await ingestEvents(db, projectId, second)).toEqual(['applied']);
    expect(await ingestEvents(db, projectId, [ev('u3', 'span-update', { id: 's1', traceId: 't1', name: 'third' }, at(3))])).toEqual(['applied']);
    expect(await ingestEvents(db, projectId, second)).toEqual(['duplicate']);
    expect((await span('s1')).name).toBe('third');
  });

  it('answers a retried batch with two creates of one span as duplicates', async () => {
    const batch = [ev('d1', 'span-create', { id: 's2', traceId: 't2', name: 'a' }), ev('d2', 'span-create', { id: 's2', traceId: 't2', name: 'b' })];
    expect(await ingestEvents(db, projectId, batch)).toEqual(['applied', 'applied']);
    expect(await ingestEvents(db, projectId, batch)).toEqual(['duplicate', 'duplicate']);
    expect((await span('s2')).name).toBe('b');
  });

  it('answers a create applied before migration 0007 (its id in ingested_events) as a duplicate when it is retried', async () => {
    const create = ev('old-create', 'span-create', { id: 'old-span', traceId: 'old-trace', name: 'draft' }, at(1));
    await ingestEvents(db, projectId, [create]);
    await ingestEvents(db, projectId, [ev('old-update', 'span-update', { id: 'old-span', traceId: 'old-trace', name: 'final' }, at(5))]);
    // What an engine before 0007 left: no create_event_id, the create's id in ingested_events.
    await pool.query(`update spans set create_event_id = null where project_id = $1 and span_id = 'old-span'`, [projectId]);
    await pool.query(`insert into ingested_events (project_id, event_id) values ($1, 'old-create')`, [projectId]);
    expect(await ingestEvents(db, projectId, [create])).toEqual(['duplicate']);
    expect((await span('old-span')).name).toBe('final');
  });

  it('creates a trace again when it is deleted between the insert and the lock, rather than failing the batch', async () => {
    await ingestEvents(db, projectId, [ev('f1', 'trace-create', { id: 't4' })]);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(`select id from traces where project_id = $1 and trace_id = 't4' for update`, [projectId]);
      const pending = ingestEvents(db, projectId, [ev('f2', 'span-create', { id: 's4', traceId: 't4' })]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await client.query(`delete from traces where project_id = $1 and trace_id = 't4'`, [projectId]);
      await client.query('commit');
      expect(await pending).toEqual(['applied']);
    } finally {
      client.release();
    }
    const { rows } = await pool.query(`select span_count from traces where project_id = $1 and trace_id = 't4'`, [projectId]);
    expect(rows).toEqual([{ span_count: 1 }]);
  });

  it("deletes a project's spans with the project (through its traces: spans have no key to projects of their own)", async () => {
    const [org] = await db.insert(organizations).values({ name: 'Q', slug: 'q' }).returning();
    const [doomed] = await db.insert(projects).values({ organizationId: org!.id, name: 'Doomed', slug: 'doomed' }).returning();
    const events = Array.from({ length: 3 }, (_, n) => ev(`g${n}`, 'span-create', { id: `gone-${n}`, traceId: `gone-trace-${n % 2}` }));
    expect(await ingestEvents(db, doomed!.id, events)).toEqual(['applied', 'applied', 'applied']);
    const count = async (table: string, id: string) => (await pool.query<{ n: number }>(`select count(*)::int as n from ${table} where project_id = $1`, [id])).rows[0]!.n;
    expect([await count('traces', doomed!.id), await count('spans', doomed!.id)]).toEqual([2, 3]);
    await pool.query('delete from projects where id = $1', [doomed!.id]);
    expect([await count('traces', doomed!.id), await count('spans', doomed!.id)]).toEqual([0, 0]);
    // The other project keeps its own.
    expect(await count('spans', projectId)).toBeGreaterThan(0);
  });
});
