import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { batchReports, conversationReports, prompts, promptVersions, traces, versionSuccessReports } from '../schema/index.js';
import type { Database } from '../database.js';
import type { AnalyticsStore, LatencyStats, PromptActivity, SeriesPoint, TimeRange, TraceTotals, UsageTotals, VersionStats } from '../../analytics.js';

type Row = Record<string, unknown>;

// bigint and numeric arrive as strings from node-postgres.
const count = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));
const maybe = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const iso = (date: Date) => date.toISOString();
// Times leave SQL as epoch milliseconds (raw queries return timestamps as text in the server's zone).
const epochMs = (column: SQL) => sql`(extract(epoch FROM ${column}) * 1000)::float8`;
const timeOf = (value: unknown) => new Date(Number(value));

/** The aggregate columns every trace statistic shares (over `traces` rows in scope). */
const totalsColumns = sql`
  count(*) AS traces,
  coalesce(sum(span_count), 0) AS spans,
  count(*) FILTER (WHERE status = 'error') AS error_traces,
  coalesce(sum(input_tokens), 0) AS input_tokens,
  coalesce(sum(output_tokens), 0) AS output_tokens,
  coalesce(sum(cost), 0) AS cost,
  avg(latency_ms) AS avg_latency,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50_latency,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_latency,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99_latency`;

function latencyOf(row: Row): LatencyStats {
  return { avgLatencyMs: maybe(row.avg_latency), p50LatencyMs: maybe(row.p50_latency), p95LatencyMs: maybe(row.p95_latency), p99LatencyMs: maybe(row.p99_latency) };
}

function totalsOf(row: Row): TraceTotals {
  return {
    traces: count(row.traces),
    spans: count(row.spans),
    errorTraces: count(row.error_traces),
    inputTokens: count(row.input_tokens),
    outputTokens: count(row.output_tokens),
    costUsd: count(row.cost),
    ...latencyOf(row),
  };
}

function usageOf(row: Row): UsageTotals {
  return { traces: count(row.traces), spans: count(row.spans), inputTokens: count(row.input_tokens), outputTokens: count(row.output_tokens), aiTokens: count(row.ai_tokens) };
}

const inRange = (range: TimeRange) => sql`started_at >= ${iso(range.from)}::timestamptz AND started_at < ${iso(range.to)}::timestamptz`;

export function analyticsStore(db: Database): AnalyticsStore {
  const rows = async (query: SQL) => (await db.execute(query)).rows as Row[];

  return {
    async overview(projectId, range) {
      const scope = sql`project_id = ${projectId} AND ${inRange(range)}`;
      const [totals] = await rows(sql`
        SELECT ${totalsColumns},
          count(DISTINCT prompt_key) AS prompts, count(DISTINCT user_id) AS users, count(DISTINCT session_id) AS sessions
        FROM traces WHERE ${scope}`);
      const activity = await rows(sql`
        SELECT prompt_key, count(*) AS traces, count(*) FILTER (WHERE status = 'error') AS error_traces,
          array_remove(array_agg(DISTINCT version_number ORDER BY version_number DESC), NULL) AS versions,
          ${epochMs(sql`max(started_at)`)} AS last_seen
        FROM traces WHERE ${scope} AND prompt_key IS NOT NULL
        GROUP BY prompt_key ORDER BY count(*) DESC, prompt_key LIMIT 200`);
      return {
        ...totalsOf(totals!),
        prompts: count(totals!.prompts),
        users: count(totals!.users),
        sessions: count(totals!.sessions),
        promptActivity: activity.map(
          (row): PromptActivity => ({
            promptKey: String(row.prompt_key),
            traces: count(row.traces),
            errorTraces: count(row.error_traces),
            versions: (row.versions as Array<number | string>).map(Number),
            lastSeenAt: timeOf(row.last_seen),
          }),
        ),
      };
    },

    async series(projectId, query) {
      const filters = [
        sql`project_id = ${projectId}`,
        inRange(query),
        query.promptKey !== undefined ? sql`prompt_key = ${query.promptKey}` : undefined,
        query.promptVersion !== undefined ? sql`version_number = ${query.promptVersion}` : undefined,
      ].filter((part): part is SQL => part !== undefined);
      // Buckets are UTC hours or days; empty ones are generated so charts show gaps as zeros.
      const result = await rows(sql`
        WITH buckets AS (
          SELECT generate_series(
            date_trunc(${query.bucket}, ${iso(query.from)}::timestamptz AT TIME ZONE 'UTC'),
            (${iso(query.to)}::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond',
            (${`1 ${query.bucket}`})::interval) AS bucket_start
        ), stats AS (
          SELECT date_trunc(${query.bucket}, started_at AT TIME ZONE 'UTC') AS bucket_start, ${totalsColumns}
          FROM traces WHERE ${sql.join(filters, sql` AND `)} GROUP BY 1
        )
        SELECT ${epochMs(sql`buckets.bucket_start AT TIME ZONE 'UTC'`)} AS bucket_at, stats.*
        FROM buckets LEFT JOIN stats USING (bucket_start) ORDER BY buckets.bucket_start`);
      return result.map((row): SeriesPoint => {
        const { spans: _spans, ...totals } = totalsOf(row);
        return { bucketStart: timeOf(row.bucket_at), ...totals };
      });
    },

    async versions(projectId, promptKey, range) {
      const result = await rows(sql`
        SELECT version_number, ${totalsColumns}, ${epochMs(sql`min(started_at)`)} AS first_seen, ${epochMs(sql`max(started_at)`)} AS last_seen
        FROM traces WHERE project_id = ${projectId} AND prompt_key = ${promptKey} AND ${inRange(range)}
        GROUP BY version_number ORDER BY version_number DESC NULLS LAST`);
      return result.map(
        (row): VersionStats => ({ promptVersion: maybe(row.version_number), ...totalsOf(row), firstSeenAt: timeOf(row.first_seen), lastSeenAt: timeOf(row.last_seen) }),
      );
    },

    async usage(organizationId, range) {
      const tracesInOrg = sql`
        SELECT t.project_id, date_trunc('day', t.started_at AT TIME ZONE 'UTC')::date AS day,
          count(*) AS traces, sum(t.span_count) AS spans, sum(t.input_tokens) AS input_tokens, sum(t.output_tokens) AS output_tokens
        FROM traces t JOIN projects p ON p.id = t.project_id
        WHERE p.organization_id = ${organizationId} AND ${inRange(range)}
        GROUP BY 1, 2`;
      const aiInOrg = sql`
        SELECT project_id, date_trunc('day', created_at AT TIME ZONE 'UTC')::date AS day, sum(input_tokens + output_tokens) AS ai_tokens
        FROM ai_usage_logs
        WHERE organization_id = ${organizationId} AND created_at >= ${iso(range.from)}::timestamptz AND created_at < ${iso(range.to)}::timestamptz
        GROUP BY 1, 2`;
      const sums = sql`coalesce(sum(traces), 0) AS traces, coalesce(sum(spans), 0) AS spans, coalesce(sum(input_tokens), 0) AS input_tokens,
        coalesce(sum(output_tokens), 0) AS output_tokens, coalesce(sum(ai_tokens), 0) AS ai_tokens`;
      const combined = sql`(SELECT project_id, day, traces, spans, input_tokens, output_tokens, 0 AS ai_tokens FROM (${tracesInOrg}) t
        UNION ALL SELECT project_id, day, 0, 0, 0, 0, ai_tokens FROM (${aiInOrg}) a) usage`;
      const [totals] = await rows(sql`SELECT ${sums} FROM ${combined}`);
      const projects = await rows(sql`
        SELECT p.id, p.name, ${sums} FROM projects p LEFT JOIN ${combined} ON usage.project_id = p.id
        WHERE p.organization_id = ${organizationId} GROUP BY p.id, p.name ORDER BY p.name, p.id`);
      const days = await rows(sql`
        SELECT to_char(days.day, 'YYYY-MM-DD') AS day_text, ${sums}
        FROM generate_series((${iso(range.from)}::timestamptz AT TIME ZONE 'UTC')::date,
          ((${iso(range.to)}::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond')::date, interval '1 day') AS days(day)
        LEFT JOIN ${combined} ON usage.day = days.day::date
        GROUP BY days.day ORDER BY days.day`);
      return {
        totals: usageOf(totals!),
        projects: projects.map((row) => ({ projectId: String(row.id), projectName: String(row.name), ...usageOf(row) })),
        days: days.map((row) => ({ day: String(row.day_text), ...usageOf(row) })),
      };
    },

    async reports(projectId, promptKey, limit) {
      const ofPrompt = and(eq(prompts.projectId, projectId), eq(prompts.key, promptKey));
      const [conversations, batches, versions] = await Promise.all([
        db
          .select({ report: conversationReports, traceId: traces.traceId })
          .from(conversationReports)
          .innerJoin(prompts, eq(prompts.id, conversationReports.promptId))
          .innerJoin(traces, eq(traces.id, conversationReports.traceId))
          .where(and(eq(conversationReports.projectId, projectId), ofPrompt))
          .orderBy(desc(conversationReports.createdAt))
          .limit(limit),
        db
          .select({ report: batchReports })
          .from(batchReports)
          .innerJoin(prompts, eq(prompts.id, batchReports.promptId))
          .where(and(eq(batchReports.projectId, projectId), ofPrompt))
          .orderBy(desc(batchReports.createdAt))
          .limit(limit),
        db
          .select({ report: versionSuccessReports, promptVersion: promptVersions.version })
          .from(versionSuccessReports)
          .innerJoin(promptVersions, eq(promptVersions.id, versionSuccessReports.versionId))
          .innerJoin(prompts, eq(prompts.id, promptVersions.promptId))
          .where(ofPrompt)
          .orderBy(desc(versionSuccessReports.createdAt))
          .limit(limit),
      ]);
      return {
        conversations: conversations.map(({ report, traceId }) => ({
          traceId,
          promptVersion: report.versionNumber,
          successScore: report.successScore,
          outcome: report.outcome,
          criticalPoints: report.criticalPoints,
          issues: report.issues,
          summary: report.summary,
          model: report.model,
          createdAt: report.createdAt,
        })),
        batches: batches.map(({ report }) => ({
          promptVersion: report.versionNumber,
          conversationCount: report.conversationCount,
          averageScore: report.averageScore,
          commonPatterns: report.commonPatterns,
          frequentIssues: report.frequentIssues,
          recommendations: report.recommendations,
          summary: report.summary,
          model: report.model,
          createdAt: report.createdAt,
        })),
        versions: versions.map(({ report, promptVersion }) => ({
          promptVersion,
          successRate: report.successRate,
          averageScore: report.averageScore,
          conversationCount: report.conversationCount,
          strengths: report.strengths,
          weaknesses: report.weaknesses,
          keyInsights: report.keyInsights,
          improvementSuggestions: report.improvementSuggestions,
          summary: report.summary,
          model: report.model,
          createdAt: report.createdAt,
        })),
      };
    },
  };
}
