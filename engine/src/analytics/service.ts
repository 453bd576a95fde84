import { ValidationError } from '../errors.js';
import type { Bucket, TimeRange, TraceTotals, VersionStats } from '../data/analytics.js';
import type { Services } from '../http/services.js';
import type { CompareView } from './schema.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Longest range one request may aggregate (a year and a day, so "the last 365 days" fits). */
export const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 7;
/** Up to this range a series is drawn per hour (at most 72 points), beyond it per day. */
const HOURLY_UP_TO_MS = 3 * DAY_MS;

/** The requested range, or the last 7 days; refuses empty and overlong ranges. */
export function rangeOf(query: { from?: Date; to?: Date }, now = new Date()): TimeRange {
  const to = query.to ?? now;
  const from = query.from ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (from >= to) throw new ValidationError('from must be before to', [{ path: 'query.from', message: 'must be before to' }]);
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new ValidationError(`Use a range of at most ${MAX_RANGE_DAYS} days`, [{ path: 'query.from', message: `at most ${MAX_RANGE_DAYS} days before to` }]);
  }
  return { from, to };
}

export const bucketFor = (range: TimeRange): Bucket => (range.to.getTime() - range.from.getTime() <= HOURLY_UP_TO_MS ? 'hour' : 'day');

export const withErrorRate = <T extends Pick<TraceTotals, 'traces' | 'errorTraces'>>(stats: T) => ({ ...stats, errorRate: stats.traces === 0 ? 0 : stats.errorTraces / stats.traces });

export async function projectOverview(services: Services, projectId: string, range: TimeRange) {
  const overview = await services.provider.analytics.overview(projectId, range);
  return { range, ...withErrorRate(overview), avgSpansPerTrace: overview.traces === 0 ? 0 : overview.spans / overview.traces };
}

export async function promptSeries(services: Services, projectId: string, promptKey: string, range: TimeRange, version: number | undefined) {
  const bucket = bucketFor(range);
  const points = await services.provider.analytics.series(projectId, { ...range, bucket, promptKey, promptVersion: version });
  return { range, bucket, promptKey, version: version ?? null, points: points.map(withErrorRate) };
}

export async function promptVersions(services: Services, projectId: string, promptKey: string, range: TimeRange) {
  const versions = await services.provider.analytics.versions(projectId, promptKey, range);
  return { range, promptKey, versions: versions.map(withErrorRate) };
}

const perTrace = (total: number, traces: number) => (traces === 0 ? null : total / traces);

function compared(stats: VersionStats | undefined) {
  if (!stats) return null;
  return { ...withErrorRate(stats), costPerTrace: perTrace(stats.costUsd, stats.traces), tokensPerTrace: perTrace(stats.inputTokens + stats.outputTokens, stats.traces) };
}

type Compared = NonNullable<ReturnType<typeof compared>>;
const deltaFields = ['traces', 'errorRate', 'avgLatencyMs', 'p50LatencyMs', 'p95LatencyMs', 'p99LatencyMs', 'inputTokens', 'outputTokens', 'costUsd', 'costPerTrace', 'tokensPerTrace'] as const;

/** Two versions side by side; by default the newest version in the range against the one before it. */
export async function compareVersions(services: Services, projectId: string, promptKey: string, range: TimeRange, choice: { base?: number; candidate?: number }): Promise<CompareView> {
  const versions = (await services.provider.analytics.versions(projectId, promptKey, range)).filter((stats) => stats.promptVersion !== null);
  const candidateNumber = choice.candidate ?? versions[0]?.promptVersion ?? undefined;
  const baseNumber = choice.base ?? versions.find((stats) => candidateNumber === undefined || stats.promptVersion! < candidateNumber)?.promptVersion ?? undefined;
  const base = compared(versions.find((stats) => stats.promptVersion === baseNumber));
  const candidate = compared(versions.find((stats) => stats.promptVersion === candidateNumber));
  const delta = base && candidate ? Object.fromEntries(deltaFields.map((field) => [field, difference(candidate, base, field)])) : null;
  return { range, promptKey, base, candidate, delta: delta as CompareView['delta'] };
}

function difference(candidate: Compared, base: Compared, field: (typeof deltaFields)[number]): number | null {
  const after = candidate[field];
  const before = base[field];
  return after === null || before === null ? null : after - before;
}

export const AI_TOKENS_NOTE = 'AI tokens count what this engine spends on its own AI features (reports, analysis); they stay 0 until an AI provider is configured and those features run.';

export async function organizationUsage(services: Services, organizationId: string, range: TimeRange) {
  const usage = await services.provider.analytics.usage(organizationId, range);
  return { range, ...usage, aiTokensNote: AI_TOKENS_NOTE };
}
