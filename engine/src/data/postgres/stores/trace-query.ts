import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { spans, spanSearchVector, traces, traceSearchVector } from '../schema/index.js';
import type { Database } from '../database.js';
import type { TraceQuery, TraceSort } from '../../traces.js';

type TraceRow = typeof traces.$inferSelect;

/**
 * Each order's key as the indexes hold it (traces_project_started_at_idx, _latency_idx, _cost_idx),
 * and the same key as exact text for the cursor (microseconds since the epoch for time, so no
 * precision is lost on the way through JSON).
 */
const sortKeys: Record<TraceSort, { key: SQL; cursorText: SQL; fromCursor: (value: string) => SQL }> = {
  time: {
    key: sql`${traces.startedAt}`,
    cursorText: sql`(extract(epoch from ${traces.startedAt}) * 1000000)::bigint::text`,
    fromCursor: (value) => sql`(timestamptz 'epoch' + ${value}::bigint * interval '1 microsecond')`,
  },
  latency: {
    key: sql`coalesce(${traces.latencyMs}, -1)`,
    cursorText: sql`coalesce(${traces.latencyMs}, -1)::text`,
    fromCursor: (value) => sql`${value}::int`,
  },
  cost: {
    key: sql`${traces.cost}`,
    cursorText: sql`${traces.cost}::text`,
    fromCursor: (value) => sql`${value}::numeric`,
  },
};

/** Words typed in the search box, all required ('simple' config, as the indexes are built). */
const searchQuery = (search: string) => sql`plainto_tsquery('simple'::regconfig, ${search})`;

/**
 * How the full-text filter finds its traces. `index`: one id list from both GIN indexes (an OR of the
 * two would scan every trace of the project) — fast while few rows match. `scan`: the traces in the
 * page's order, each checked (its own words, then its spans' through their trace index) until the page
 * is full — fast when many match, where collecting every match first took seconds (a common word
 * over a million spans). A scan looks at no more than SCAN_BUDGET traces: when they hold too few
 * matches (the matches sit in a few traces, or far down the order), the index plan finds the page.
 */
export type SearchPlan = 'index' | 'scan';

/** Past this many matching traces and spans, the page is first looked for by `scan`. */
const SEARCH_SCAN_FROM = 5_000;
/** The most traces a `scan` checks before the index plan takes over. */
const SCAN_BUDGET = 5_000;

/** Our ids of the traces whose words or spans' words match, once per match, from both GIN indexes. */
const matchingTraceIds = (projectId: string, search: string) => sql`
  select ${traces.id} from ${traces} where ${traces.projectId} = ${projectId} and ${traceSearchVector(traces)} @@ ${searchQuery(search)}
  union all
  select ${spans.traceId} from ${spans} where ${spans.projectId} = ${projectId} and ${spanSearchVector(spans)} @@ ${searchQuery(search)}`;

export async function searchPlan(db: Database, projectId: string, search: string, scanFrom = SEARCH_SCAN_FROM): Promise<SearchPlan> {
  const result = await db.execute<{ matches: number }>(sql`select count(*)::int as matches from (${matchingTraceIds(projectId, search)} limit ${scanFrom}) found`);
  return (result.rows[0]?.matches ?? 0) >= scanFrom ? 'scan' : 'index';
}

function searchCondition(projectId: string, search: string, plan: SearchPlan): SQL {
  if (plan === 'scan') {
    return sql`(${traceSearchVector(traces)} @@ ${searchQuery(search)}
      or exists (select 1 from ${spans} where ${spans.traceId} = ${traces.id} and ${spanSearchVector(spans)} @@ ${searchQuery(search)}))`;
  }
  return sql`${traces.id} in (${matchingTraceIds(projectId, search)})`;
}

function filters(projectId: string, query: TraceQuery): SQL | undefined {
  const conditions: Array<SQL | undefined> = [
    eq(traces.projectId, projectId),
    query.promptKey !== undefined ? eq(traces.promptKey, query.promptKey) : undefined,
    query.promptVersion !== undefined ? eq(traces.versionNumber, query.promptVersion) : undefined,
    query.model !== undefined ? eq(traces.model, query.model) : undefined,
    query.userId !== undefined ? eq(traces.userId, query.userId) : undefined,
    query.sessionId !== undefined ? eq(traces.sessionId, query.sessionId) : undefined,
    query.status !== undefined ? eq(traces.status, query.status) : undefined,
    query.from !== undefined ? gte(traces.startedAt, query.from) : undefined,
    query.to !== undefined ? lt(traces.startedAt, query.to) : undefined,
    query.tags?.length ? sql`${traces.tags} @> ${sql.param(query.tags)}::text[]` : undefined,
  ];
  return and(...conditions);
}

/**
 * A page in the query's order (descending key, then id): keyset, never OFFSET. `plan` and
 * `scanBudget` override the search plan and the scan's budget (tests).
 */
export async function listTraceRows(
  db: Database,
  projectId: string,
  query: TraceQuery,
  plan?: SearchPlan,
  scanBudget = SCAN_BUDGET,
): Promise<Array<{ row: TraceRow; cursorValue: string }>> {
  const order = sortKeys[query.sort ?? 'time'];
  const after = query.after ? sql`(${order.key}, ${traces.id}) < (${order.fromCursor(query.after.value)}, ${query.after.id}::uuid)` : undefined;
  const base = and(filters(projectId, query), after);
  // `nulls last` as the indexes are built (a plain DESC means NULLS FIRST, which they cannot serve).
  const ordering = [sql`${order.key} desc nulls last`, sql`${traces.id} desc nulls last`];
  const page = (where: SQL | undefined) =>
    db
      .select({ row: traces, cursorValue: sql<string>`${order.cursorText}` })
      .from(traces)
      .where(where)
      .orderBy(...ordering)
      .limit(query.limit);
  if (!query.search) return page(base);
  if ((plan ?? (await searchPlan(db, projectId, query.search))) === 'index') return page(and(base, searchCondition(projectId, query.search, 'index')));
  // The scan stops at the budget's last trace (found by walking the order's index, not by OFFSET paging).
  const [last] = await db.select({ value: sql<string>`${order.cursorText}`, id: traces.id }).from(traces).where(base).orderBy(...ordering).offset(scanBudget - 1).limit(1);
  const withinBudget = last ? sql`(${order.key}, ${traces.id}) >= (${order.fromCursor(last.value)}, ${last.id}::uuid)` : undefined;
  const scanned = await page(and(base, withinBudget, searchCondition(projectId, query.search, 'scan')));
  if (scanned.length === query.limit || !last) return scanned;
  return page(and(base, searchCondition(projectId, query.search, 'index')));
}
