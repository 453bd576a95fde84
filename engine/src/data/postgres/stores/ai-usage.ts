import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { aiUsageLogs, organizationApiKeys, organizationUsage, projects, users } from '../schema/index.js';
import type { Database, Transaction } from '../database.js';
import type { AiCall, AiUsageStore, UsageCounters } from '../../ai-usage.js';

/** The first day of the current month, UTC: the period organization_usage counts in. */
const currentPeriod = sql`(date_trunc('month', now() AT TIME ZONE 'UTC'))::date`;

/** The id when the row still exists, else null: a call outliving its project is still recorded. */
const ifExists = (table: typeof projects | typeof users | typeof organizationApiKeys, id: string | null): SQL | null =>
  id === null ? null : sql`(SELECT ${table.id} FROM ${table} WHERE ${table.id} = ${id})`;

type CounterColumn = 'aiTokens' | 'tests' | 'analysisRuns';

/** Adds to one counter of the organization's current month, creating the month's row when needed. */
async function addToCounter(tx: Database | Transaction, organizationId: string, column: CounterColumn, amount: number): Promise<void> {
  await tx
    .insert(organizationUsage)
    .values({ organizationId, periodStart: currentPeriod, [column]: amount })
    .onConflictDoUpdate({
      target: [organizationUsage.organizationId, organizationUsage.periodStart],
      set: { [column]: sql`${organizationUsage[column]} + ${amount}`, updatedAt: sql`now()` },
    });
}

export function aiUsageStore(db: Database): AiUsageStore {
  return {
    async record(call) {
      await db.transaction(async (tx) => {
        await tx.insert(aiUsageLogs).values({
          organizationId: call.organizationId,
          projectId: ifExists(projects, call.projectId),
          userId: ifExists(users, call.userId),
          providerKeyId: ifExists(organizationApiKeys, call.providerKeyId),
          operation: call.feature,
          provider: call.provider,
          model: call.model,
          inputTokens: call.inputTokens,
          outputTokens: call.outputTokens,
          latencyMs: Math.round(call.latencyMs),
          status: call.status,
          errorCode: call.errorCode,
        });
        const tokens = call.inputTokens + call.outputTokens;
        if (tokens > 0) await addToCounter(tx, call.organizationId, 'aiTokens', tokens);
      });
    },

    async countRuns(organizationId, kind, count = 1) {
      if (count > 0) await addToCounter(db, organizationId, kind, count);
    },

    async list(organizationId, options = {}) {
      const rows = await db
        .select()
        .from(aiUsageLogs)
        .where(eq(aiUsageLogs.organizationId, organizationId))
        .orderBy(desc(aiUsageLogs.createdAt), desc(aiUsageLogs.id))
        .limit(Math.min(options.limit ?? 100, 1000));
      return rows.map(
        (row): AiCall => ({
          id: row.id,
          organizationId: row.organizationId,
          projectId: row.projectId,
          userId: row.userId,
          feature: row.operation,
          provider: row.provider,
          model: row.model,
          providerKeyId: row.providerKeyId,
          inputTokens: row.inputTokens,
          outputTokens: row.outputTokens,
          latencyMs: row.latencyMs,
          status: row.status,
          errorCode: row.errorCode,
          createdAt: row.createdAt,
        }),
      );
    },

    async counters(organizationId, at = new Date()) {
      const periodStart = `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
      const [row] = await db
        .select()
        .from(organizationUsage)
        .where(and(eq(organizationUsage.organizationId, organizationId), eq(organizationUsage.periodStart, periodStart)));
      const counters: UsageCounters = { periodStart, aiTokens: 0, productionTokens: 0, traces: 0, spans: 0, tests: 0, analysisRuns: 0 };
      if (row) Object.assign(counters, { aiTokens: row.aiTokens, productionTokens: row.productionTokens, traces: row.traces, spans: row.spans, tests: row.tests, analysisRuns: row.analysisRuns });
      return counters;
    },
  };
}
