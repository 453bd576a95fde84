import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { batchReports, conversationReports, promptVersions, reportRuns, traces, versionSuccessReports, type ReportRun as ReportRunRow } from '../schema/index.js';
import type { Database } from '../database.js';
import type { ReportRun, ReportRunStatus, ReportStore } from '../../reports.js';

const runView = (row: ReportRunRow): ReportRun => ({ ...row, status: row.status as ReportRunStatus });

export function reportStore(db: Database): ReportStore {
  return {
    async createRun(run) {
      const [row] = await db.insert(reportRuns).values(run).returning();
      return runView(row!);
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
      await db.update(reportRuns).set(progress).where(eq(reportRuns.id, runId));
    },

    async tracesToReport(projectId, promptKey, { versionNumber, force, limit }) {
      const rows = await db
        .select({ id: traces.id, traceId: traces.traceId, versionNumber: traces.versionNumber })
        .from(traces)
        .leftJoin(conversationReports, eq(conversationReports.traceId, traces.id))
        .where(
          and(
            eq(traces.projectId, projectId),
            eq(traces.promptKey, promptKey),
            versionNumber === null ? undefined : eq(traces.versionNumber, versionNumber),
            force ? undefined : isNull(conversationReports.id),
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
