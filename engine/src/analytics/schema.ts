import { z } from 'zod';
import { boundedDate, text } from '../http/fields.js';

export const orgParams = z.object({ orgId: z.uuid() });
export const projectParams = orgParams.extend({ projectId: z.uuid() });
export const promptParams = projectParams.extend({ key: text(200).min(1) });

/** `from`/`to` (ISO times, `to` exclusive); the last 7 days when left out (see rangeOf). */
export const rangeQuery = z.object({ from: boundedDate.optional(), to: boundedDate.optional() });

const version = z.coerce.number().int().min(1).max(1_000_000);
export const seriesQuery = rangeQuery.extend({ version: version.optional() });
/** Which versions to compare; by default the newest version seen in the range against the one before it. */
export const compareQuery = rangeQuery.extend({ base: version.optional(), candidate: version.optional() });

const latencyShape = {
  avgLatencyMs: z.number().nullable(),
  p50LatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
  p99LatencyMs: z.number().nullable(),
};
const totalsShape = {
  traces: z.number().int(),
  spans: z.number().int(),
  errorTraces: z.number().int(),
  /** errorTraces / traces, 0–1 (0 without traces). */
  errorRate: z.number(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
  ...latencyShape,
};
const { spans: _spans, ...pointShape } = totalsShape;
const rangeView = z.object({ from: z.date(), to: z.date() });

export const overviewView = z.object({
  range: rangeView,
  ...totalsShape,
  prompts: z.number().int(),
  users: z.number().int(),
  sessions: z.number().int(),
  avgSpansPerTrace: z.number(),
  promptActivity: z.array(z.object({ promptKey: z.string(), traces: z.number().int(), errorTraces: z.number().int(), versions: z.array(z.number().int()), lastSeenAt: z.date() })),
});

export const seriesView = z.object({
  range: rangeView,
  bucket: z.enum(['hour', 'day']),
  promptKey: z.string(),
  version: z.number().int().nullable(),
  points: z.array(z.object({ bucketStart: z.date(), ...pointShape })),
});

export const versionStatsView = z.object({ promptVersion: z.number().int().nullable(), ...totalsShape, firstSeenAt: z.date(), lastSeenAt: z.date() });
export const versionsView = z.object({ range: rangeView, promptKey: z.string(), versions: z.array(versionStatsView) });

const deltaShape = Object.fromEntries(
  (['traces', 'errorRate', 'avgLatencyMs', 'p50LatencyMs', 'p95LatencyMs', 'p99LatencyMs', 'inputTokens', 'outputTokens', 'costUsd', 'costPerTrace', 'tokensPerTrace'] as const).map((field) => [field, z.number().nullable()]),
) as Record<'traces' | 'errorRate' | 'avgLatencyMs' | 'p50LatencyMs' | 'p95LatencyMs' | 'p99LatencyMs' | 'inputTokens' | 'outputTokens' | 'costUsd' | 'costPerTrace' | 'tokensPerTrace', z.ZodNullable<z.ZodNumber>>;
const comparedVersion = versionStatsView.extend({ costPerTrace: z.number().nullable(), tokensPerTrace: z.number().nullable() });
export const compareView = z.object({
  range: rangeView,
  promptKey: z.string(),
  /** null when the range holds no traces of that version. */
  base: comparedVersion.nullable(),
  candidate: comparedVersion.nullable(),
  /** candidate − base, per measure; null when either side lacks it. */
  delta: z.object(deltaShape).nullable(),
});

const usageShape = { traces: z.number().int(), spans: z.number().int(), inputTokens: z.number().int(), outputTokens: z.number().int(), aiTokens: z.number().int() };
export const usageView = z.object({
  range: rangeView,
  totals: z.object(usageShape),
  /** Why aiTokens may be 0: the AI features that spend them need a configured provider. */
  aiTokensNote: z.string(),
  projects: z.array(z.object({ projectId: z.uuid(), projectName: z.string(), ...usageShape })),
  days: z.array(z.object({ day: z.string(), ...usageShape })),
});

export type CompareView = z.infer<typeof compareView>;

const strings = z.array(z.string());
export const reportsView = z.object({
  promptKey: z.string(),
  conversations: z.array(
    z.object({
      traceId: z.string(),
      promptVersion: z.number().int().nullable(),
      successScore: z.number().int().describe('1–10'),
      outcome: z.enum(['success', 'partial', 'failed']),
      criticalPoints: strings,
      issues: strings,
      summary: z.string(),
      model: z.string(),
      createdAt: z.date(),
    }),
  ),
  batches: z.array(
    z.object({
      promptVersion: z.number().int(),
      conversationCount: z.number().int(),
      averageScore: z.number(),
      commonPatterns: strings,
      frequentIssues: strings,
      recommendations: strings,
      summary: z.string(),
      model: z.string(),
      createdAt: z.date(),
    }),
  ),
  versions: z.array(
    z.object({
      promptVersion: z.number().int(),
      successRate: z.number().describe('Percent, 0–100'),
      averageScore: z.number(),
      conversationCount: z.number().int(),
      strengths: strings,
      weaknesses: strings,
      keyInsights: strings,
      improvementSuggestions: strings,
      summary: z.string(),
      model: z.string(),
      createdAt: z.date(),
    }),
  ),
});
