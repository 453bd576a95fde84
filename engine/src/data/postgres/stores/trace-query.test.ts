import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import { createTestDatabase } from '../../../../test/helpers/db.js';
import { createDatabase, createPool, type Database } from '../database.js';
import { organizations, projects } from '../schema/index.js';
import type { TraceQuery } from '../../traces.js';
import { ingestEvents } from './trace-ingest.js';
import { listTraceRows, searchPlan, type SearchPlan } from './trace-query.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let db: Database;
let projectId = '';
let otherProjectId = '';

const minute = (n: number) => new Date(Date.UTC(2026, 0, 1, 12, n)).toISOString();

/** 40 traces: every one says "hello" in a span, every third "refund" in its own input, every seventh "parcel" in a tool span. */
function conversations(prefix: string): IngestEvent[] {
  return Array.from({ length: 40 }, (_, n) => [
    { id: `${prefix}-t${n}`, timestamp: minute(n), type: 'trace-create' as const, body: { id: `${prefix}-${n}`, promptKey: n % 2 ? 'odd' : 'even', startTime: minute(n), ...(n % 3 === 0 && { input: { question: `refund order ${n}` } }) } },
    { id: `${prefix}-s${n}`, timestamp: minute(n), type: 'span-create' as const, body: { id: `${prefix}-${n}-a`, traceId: `${prefix}-${n}`, role: 'user' as const, input: `hello there, conversation ${n}`, durationMs: n * 10 } },
    ...(n % 7 === 0 ? [{ id: `${prefix}-k${n}`, timestamp: minute(n), type: 'span-create' as const, body: { id: `${prefix}-${n}-b`, traceId: `${prefix}-${n}`, type: 'tool_call' as const, output: { status: 'parcel shipped' } } }] : []),
  ]).flat();
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  db = createDatabase(pool);
  const [org] = await db.insert(organizations).values({ name: 'Search', slug: 'search' }).returning();
  const [project, other] = await db.insert(projects).values([{ organizationId: org!.id, name: 'A', slug: 'a' }, { organizationId: org!.id, name: 'B', slug: 'b' }]).returning();
  projectId = project!.id;
  otherProjectId = other!.id;
  await ingestEvents(db, projectId, conversations('conv'));
  await ingestEvents(db, otherProjectId, conversations('other'));
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

/** Every page of a query under one plan, following the cursors. */
async function allPages(query: Omit<TraceQuery, 'limit'>, plan: SearchPlan, scanBudget?: number): Promise<string[]> {
  const ids: string[] = [];
  let after: TraceQuery['after'];
  for (;;) {
    const page = await listTraceRows(db, projectId, { ...query, limit: 7, ...(after && { after }) }, plan, scanBudget);
    ids.push(...page.map(({ row }) => row.traceId));
    if (page.length < 7) return ids;
    after = { value: page.at(-1)!.cursorValue, id: page.at(-1)!.row.id };
  }
}

describe('full-text search plans', () => {
  it('finds the same traces, in the same pages, whether it collects matches from the indexes or checks traces in order', async () => {
    const queries: Array<Omit<TraceQuery, 'limit'>> = [
      { search: 'hello' },
      { search: 'refund' },
      { search: 'parcel shipped' },
      { search: 'hello', promptKey: 'odd' },
      { search: 'hello', sort: 'latency' },
      { search: 'refund order 21' },
      { search: 'nowhere' },
    ];
    for (const query of queries) {
      const viaIndex = await allPages(query, 'index');
      expect(await allPages(query, 'scan'), JSON.stringify(query)).toEqual(viaIndex);
      // A scan whose budget (5 traces) holds too few matches hands over to the index plan.
      expect(await allPages(query, 'scan', 5), JSON.stringify(query)).toEqual(viaIndex);
      expect(viaIndex.every((id) => id.startsWith('conv-')), JSON.stringify(query)).toBe(true);
    }
    expect(await allPages({ search: 'hello' }, 'scan')).toHaveLength(40);
    expect(await allPages({ search: 'refund' }, 'index')).toEqual(Array.from({ length: 14 }, (_, k) => `conv-${39 - ((39 % 3) + 3 * k)}`));
    expect(await allPages({ search: 'parcel' }, 'scan')).toEqual(['conv-35', 'conv-28', 'conv-21', 'conv-14', 'conv-7', 'conv-0']);
  });

  it('checks traces in order once a word matches many rows, and collects from the indexes otherwise', async () => {
    expect(await searchPlan(db, projectId, 'hello', 30)).toBe('scan');
    expect(await searchPlan(db, projectId, 'parcel', 30)).toBe('index');
    // The other project's matches do not count.
    expect(await searchPlan(db, projectId, 'hello', 41)).toBe('index');
  });
});
