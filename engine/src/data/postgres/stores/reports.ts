import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { batchReports, conversationReports, promptVersions, reportRuns, traces, versionSuccessReports, type ReportRun as ReportRunRow } from '../schema/index.js';
import type { Database } from '../database.js';
import type { ReportRun, ReportRunStatus, ReportStore } from '../../reports.js';
import { abandonedJobs, failInterruptedRuns, withRunHeld } from './run-holds.js';

const runView = (row: ReportRunRow): ReportRun => ({ ...row, status: row.status as ReportRunStatus });
const GOING: ReportRunStatus[] = ['queued', 'running'];

export function reportStore(db: Database): ReportStore {
  return {
    async createRun(run) {
      return db.transaction(async (tx) => {
        // Two starts at once (two clicks, two replicas) make one run: the second waits here, then finds the first.
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`report-run:${run.promptId}`}, 0))`);
        const [going] = await tx
          .select()
          .from(reportRuns)
          .where(and(eq(reportRuns.promptId, run.promptId), inArray(reportRuns.status, GOING)))
          .orderBy(desc(reportRuns.createdAt))
          .limit(1);
        if (going) return { run: runView(going), created: false };
        const [row] = await tx.insert(reportRuns).values(run).returning();
        return { run: runView(row!), created: true };
      });
    },

    async getRun(projectId, runId) {
      const [row] = await db.select().from(reportRuns).where(and(eq(reportRuns.projectId, projectId), eq(reportRuns.id, runId)));
      return row ? runView(row) : null;
    },

    async latestRun(projectId, promptId) {
      const [row] = await db
        .select()
        .from(reportRuns)
        .where(and(eq(reportRuns.projectId, projectId), eq(reportRuns.promptId, promptId)))
        .orderBy(desc(reportRuns.createdAt))
        .limit(1);
      return row ? runView(row) : null;
    },

    async updateRun(runId, progress) {
      await db.update(reportRuns).set(progress).where(and(eq(reportRuns.id, runId), inArray(reportRuns.status, GOING)));
    },

    withRunHeld: (runId, work) => withRunHeld(db, runId, work),

    failInterruptedRuns: (options) => failInterruptedRuns(db, reportRuns, options),
    abandonedJobs: (options) => abandonedJobs(db, reportRuns, options),

    async tracesToReport(projectId, promptKey, { versionNumber, force, limit, reportedSince }) {
      const rows = await db
        .select({ id: traces.id, traceId: traces.traceId, versionNumber: traces.versionNumber })
        .from(traces)
        .leftJoin(conversationReports, eq(conversationReports.traceId, traces.id))
        .where(
          and(
            eq(traces.projectId, projectId),
            eq(traces.promptKey, promptKey),
            versionNumber === null ? undefined : eq(traces.versionNumber, versionNumber),
            force ? or(isNull(conversationReports.id), lt(conversationReports.createdAt, reportedSince)) : isNull(conversationReports.id),
          ),
        )
        .orderBy(desc(traces.startedAt), desc(traces.id))
        .limit(limit);
      return rows;
    },

    async saveConversationReport(scope, trace, findings) {
      const values = { ...findings, traceId: trace.id, projectId: scope.projectId, promptId: scope.promptId, versionNumber: trace.versionNumber };
      const { traceId: _traceId, ...replaced } = values;
      await db
        .insert(conversationReports)
        .values(values)
        .onConflictDoUpdate({ target: conversationReports.traceId, set: { ...replaced, createdAt: sql`now()` } });
    },

    async versionsReportedSince(promptId, since) {
      const rows = await db
        .selectDistinct({ versionNumber: conversationReports.versionNumber })
        .from(conversationReports)
        .where(and(eq(conversationReports.promptId, promptId), gte(conversationReports.createdAt, since), isNotNull(conversationReports.versionNumber)))
        .orderBy(asc(conversationReports.versionNumber));
      return rows.map((row) => row.versionNumber!);
    },

    async unbatchedConversationReports(promptId, versionNumber) {
      const batched = db
        .select({ traceId: sql`unnest(${batchReports.traceIds})` })
        .from(batchReports)
        .where(and(eq(batchReports.promptId, promptId), eq(batchReports.versionNumber, versionNumber)));
      const rows = await db
        .select({ report: conversationReports, traceId: traces.traceId })
        .from(conversationReports)
        .innerJoin(traces, eq(traces.id, conversationReports.traceId))
        .where(and(eq(conversationReports.promptId, promptId), eq(conversationReports.versionNumber, versionNumber), sql`${conversationReports.traceId} NOT IN (${batched})`))
        .orderBy(asc(conversationReports.createdAt), asc(conversationReports.id));
      return rows.map(({ report, traceId }) => ({ ...conversationView(report, traceId), id: report.id, traceRowId: report.traceId }));
    },

    async saveBatchReport(scope, traceRowIds, findings) {
      await db.insert(batchReports).values({ ...scope, ...findings, conversationCount: traceRowIds.length, traceIds: traceRowIds });
    },

    async versionReportInputs(promptId, versionNumber, limit) {
      const ofVersion = and(eq(conversationReports.promptId, promptId), eq(conversationReports.versionNumber, versionNumber));
      const [conversations, batches, [counted]] = await Promise.all([
        db
          .select({ report: conversationReports, traceId: traces.traceId })
          .from(conversationReports)
          .innerJoin(traces, eq(traces.id, conversationReports.traceId))
          .where(ofVersion)
          .orderBy(desc(conversationReports.createdAt))
          .limit(limit),
        db
          .select()
          .from(batchReports)
          .where(and(eq(batchReports.promptId, promptId), eq(batchReports.versionNumber, versionNumber)))
          .orderBy(desc(batchReports.createdAt))
          .limit(10),
        db.select({ count: sql<number>`count(*)::int` }).from(conversationReports).where(ofVersion),
      ]);
      return {
        conversations: conversations.map(({ report, traceId }) => conversationView(report, traceId)),
        batches: batches.map((batch) => ({
          averageScore: batch.averageScore,
          commonPatterns: batch.commonPatterns,
          frequentIssues: batch.frequentIssues,
          recommendations: batch.recommendations,
          summary: batch.summary,
          conversationCount: batch.conversationCount,
        })),
        conversationCount: counted?.count ?? 0,
      };
    },

    async saveVersionReport(promptId, versionNumber, findings) {
      const [version] = await db
        .select({ id: promptVersions.id })
        .from(promptVersions)
        .where(and(eq(promptVersions.promptId, promptId), eq(promptVersions.version, versionNumber)));
      if (!version) return false;
      await db.insert(versionSuccessReports).values({ versionId: version.id, ...findings });
      return true;
    },
  };
}

function conversationView(report: typeof conversationReports.$inferSelect, traceId: string) {
  return {
    traceId,
    versionNumber: report.versionNumber,
    successScore: report.successScore,
    outcome: report.outcome,
    criticalPoints: report.criticalPoints,
    issues: report.issues,
    summary: report.summary,
    createdAt: report.createdAt,
  };
}
