import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { promptTestCaseResults, promptTestCases, promptTestResults, promptTestRuns, promptTestSuites, promptVersions, type PromptTestRunRow } from '../schema/index.js';
import type { Database, Transaction } from '../database.js';
import { command } from '../write.js';
import type { PromptTestStore, SuiteScope, TestCase, TestRun, TestRunStatus, VersionStats } from '../../prompt-tests.js';
import { abandonedJobs, failInterruptedRuns, withRunHeld } from './run-holds.js';

const toRun = (row: PromptTestRunRow): TestRun => ({ ...row, status: row.status as TestRunStatus });
const toCase = ({ position: _position, ...row }: typeof promptTestCases.$inferSelect): TestCase => row;
const audit = (scope: SuiteScope, action: 'prompt.test_suite.generated' | 'prompt.test_suite.deleted' | 'prompt.test_case.created' | 'prompt.test_case.updated' | 'prompt.test_case.deleted', summary: string) => ({
  organizationId: scope.organizationId,
  projectId: scope.projectId,
  action,
  targetType: 'prompt' as const,
  targetId: scope.promptId,
  summary,
});

const GOING: TestRunStatus[] = ['queued', 'running'];
const statsColumns = { testCount: promptVersions.testCount, avgTokens: promptVersions.avgTokens, avgLatencyMs: promptVersions.avgLatencyMs };

/**
 * Recomputes a version's test count and averages from its stored answers — playground turns and
 * suite-run answers, each row counted once — so they stay exact (no drift from running means). The
 * version's row is locked first, so that of two answers stored at once the later recompute sees both.
 */
async function refreshVersionStats(tx: Transaction, versionId: string): Promise<VersionStats> {
  await tx.select({ id: promptVersions.id }).from(promptVersions).where(eq(promptVersions.id, versionId)).for('update');
  const answers = sql`(
    SELECT ${promptTestResults.inputTokens} + ${promptTestResults.outputTokens} AS tokens, ${promptTestResults.latencyMs} AS latency, ${promptTestResults.error} IS NULL AS usable
    FROM ${promptTestResults} WHERE ${promptTestResults.versionId} = ${versionId}
    UNION ALL
    SELECT ${promptTestCaseResults.inputTokens} + ${promptTestCaseResults.outputTokens}, ${promptTestCaseResults.latencyMs}, true
    FROM ${promptTestCaseResults} JOIN ${promptTestRuns} ON ${promptTestRuns.id} = ${promptTestCaseResults.runId}
    WHERE ${promptTestRuns.versionId} = ${versionId} AND ${promptTestCaseResults.response} IS NOT NULL
  ) AS answers`;
  const [stats] = await tx
    .update(promptVersions)
    .set({
      testCount: sql`(SELECT count(*) FROM ${answers})`,
      avgTokens: sql`(SELECT avg(tokens) FROM ${answers} WHERE usable)`,
      avgLatencyMs: sql`(SELECT avg(latency) FROM ${answers} WHERE usable)`,
    })
    .where(eq(promptVersions.id, versionId))
    .returning(statsColumns);
  return stats ?? { testCount: 0, avgTokens: null, avgLatencyMs: null };
}

export function promptTestStore(db: Database): PromptTestStore {
  const versionStats = async (versionId: string) => {
    const [row] = await db.select(statsColumns).from(promptVersions).where(eq(promptVersions.id, versionId));
    return row ?? { testCount: 0, avgTokens: null, avgLatencyMs: null };
  };

  return {
    async recordPlaygroundResult(result) {
      return db.transaction(async (tx) => {
        const [row] = await tx.insert(promptTestResults).values({ ...result }).returning({ id: promptTestResults.id });
        return { id: row!.id, ...(await refreshVersionStats(tx, result.versionId)) };
      });
    },

    versionStats,

    async versionTestSummaries(promptId) {
      const [versions, latestRuns] = await Promise.all([
        db.select({ version: promptVersions.version, ...statsColumns }).from(promptVersions).where(eq(promptVersions.promptId, promptId)).orderBy(desc(promptVersions.version)),
        db
          .selectDistinctOn([promptTestRuns.version], {
            version: promptTestRuns.version,
            id: promptTestRuns.id,
            suiteId: promptTestRuns.suiteId,
            provider: promptTestRuns.provider,
            model: promptTestRuns.model,
            judgeProvider: promptTestRuns.judgeProvider,
            judgeModel: promptTestRuns.judgeModel,
            passed: promptTestRuns.passed,
            failed: promptTestRuns.failed,
            errored: promptTestRuns.errored,
            finishedAt: promptTestRuns.finishedAt,
          })
          .from(promptTestRuns)
          .innerJoin(promptTestSuites, eq(promptTestSuites.id, promptTestRuns.suiteId))
          .where(and(eq(promptTestSuites.promptId, promptId), eq(promptTestRuns.status, 'completed')))
          .orderBy(promptTestRuns.version, sql`${promptTestRuns.finishedAt} DESC NULLS LAST`, desc(promptTestRuns.createdAt)),
      ]);
      const latestByVersion = new Map(latestRuns.map(({ version, ...run }) => [version, run]));
      return versions.map((version) => ({ ...version, latestSuiteRun: latestByVersion.get(version.version) ?? null }));
    },

    createSuite(ctx, scope, suite, cases) {
      return command(db, ctx, async (tx) => {
        const [row] = await tx.insert(promptTestSuites).values({ promptId: scope.promptId, ...suite }).returning();
        if (cases.length > 0) await tx.insert(promptTestCases).values(cases.map((fields, position) => ({ suiteId: row!.id, position, ...fields })));
        return { result: row!, audit: audit(scope, 'prompt.test_suite.generated', `Created test suite "${suite.name}" (${cases.length} cases) for prompt "${scope.promptKey}"`) };
      });
    },

    async listSuites(promptId) {
      const rows = await db
        .select({ suite: promptTestSuites, caseCount: count(promptTestCases.id) })
        .from(promptTestSuites)
        .leftJoin(promptTestCases, eq(promptTestCases.suiteId, promptTestSuites.id))
        .where(eq(promptTestSuites.promptId, promptId))
        .groupBy(promptTestSuites.id)
        .orderBy(desc(promptTestSuites.createdAt));
      return rows.map((row) => ({ ...row.suite, caseCount: Number(row.caseCount) }));
    },

    async getSuite(promptId, suiteId) {
      const [row] = await db.select().from(promptTestSuites).where(and(eq(promptTestSuites.id, suiteId), eq(promptTestSuites.promptId, promptId)));
      return row ?? null;
    },

    deleteSuite(ctx, scope, suiteId) {
      return command(db, ctx, async (tx) => {
        const [row] = await tx.delete(promptTestSuites).where(eq(promptTestSuites.id, suiteId)).returning({ name: promptTestSuites.name });
        return { result: undefined, audit: audit(scope, 'prompt.test_suite.deleted', `Deleted test suite "${row?.name ?? suiteId}" of prompt "${scope.promptKey}"`) };
      });
    },

    async listCases(suiteId) {
      const rows = await db.select().from(promptTestCases).where(eq(promptTestCases.suiteId, suiteId)).orderBy(asc(promptTestCases.position), asc(promptTestCases.createdAt));
      return rows.map(toCase);
    },

    addCase(ctx, scope, suiteId, fields) {
      return command(db, ctx, async (tx) => {
        const [row] = await tx.insert(promptTestCases).values({ suiteId, ...fields, position: sql`(SELECT coalesce(max(${promptTestCases.position}) + 1, 0) FROM ${promptTestCases} WHERE ${promptTestCases.suiteId} = ${suiteId})` }).returning();
        return { result: toCase(row!), audit: audit(scope, 'prompt.test_case.created', `Added a test case to a suite of prompt "${scope.promptKey}"`) };
      });
    },

    async updateCase(ctx, scope, suiteId, caseId, fields) {
      if (Object.values(fields).every((value) => value === undefined)) {
        // Nothing to change: answer with the case as it is (an UPDATE needs a column to set).
        const [row] = await db.select().from(promptTestCases).where(and(eq(promptTestCases.id, caseId), eq(promptTestCases.suiteId, suiteId)));
        return row ? toCase(row) : null;
      }
      return command(db, ctx, async (tx) => {
        const [row] = await tx
          .update(promptTestCases)
          .set(fields)
          .where(and(eq(promptTestCases.id, caseId), eq(promptTestCases.suiteId, suiteId)))
          .returning();
        return { result: row ? toCase(row) : null, audit: audit(scope, 'prompt.test_case.updated', `Edited a test case of prompt "${scope.promptKey}"`) };
      });
    },

    async deleteCase(ctx, scope, suiteId, caseId) {
      return command(db, ctx, async (tx) => {
        const rows = await tx.delete(promptTestCases).where(and(eq(promptTestCases.id, caseId), eq(promptTestCases.suiteId, suiteId))).returning({ id: promptTestCases.id });
        return { result: rows.length > 0, audit: audit(scope, 'prompt.test_case.deleted', `Deleted a test case of prompt "${scope.promptKey}"`) };
      });
    },

    async createRun(run) {
      const [row] = await db.insert(promptTestRuns).values(run).returning();
      return toRun(row!);
    },

    async getRun(runId) {
      const [row] = await db.select().from(promptTestRuns).where(eq(promptTestRuns.id, runId));
      return row ? toRun(row) : null;
    },

    async updateRun(runId, change) {
      await db.update(promptTestRuns).set(change).where(and(eq(promptTestRuns.id, runId), inArray(promptTestRuns.status, GOING)));
    },

    withRunHeld: (runId, work) => withRunHeld(db, runId, work),

    failInterruptedRuns: (options) => failInterruptedRuns(db, promptTestRuns, options),
    abandonedJobs: (options) => abandonedJobs(db, promptTestRuns, options),

    async listRuns(suiteId, limit = 50) {
      const rows = await db.select().from(promptTestRuns).where(eq(promptTestRuns.suiteId, suiteId)).orderBy(desc(promptTestRuns.createdAt), desc(promptTestRuns.id)).limit(limit);
      return rows.map(toRun);
    },

    async saveCaseResult(runId, result) {
      await db.transaction(async (tx) => {
        await tx.insert(promptTestCaseResults).values({ runId, ...result });
        if (result.response === null) return;
        const [run] = await tx.select({ versionId: promptTestRuns.versionId }).from(promptTestRuns).where(eq(promptTestRuns.id, runId));
        if (run) await refreshVersionStats(tx, run.versionId);
      });
    },

    async caseResults(runId) {
      const rows = await db.select().from(promptTestCaseResults).where(eq(promptTestCaseResults.runId, runId)).orderBy(asc(promptTestCaseResults.createdAt));
      return rows.map((row) => ({ ...row, status: row.status as 'passed' | 'failed' | 'errored' }));
    },
  };
}
