import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, apiSend } from '../app/api';
import type { StoredReports as EngineReports } from '../../../engine/src/data/analytics';

/** engine/src/analytics/schema.ts, as JSON carries it (times as ISO strings). */
export interface LatencyStats {
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
}

export interface TraceTotals extends LatencyStats {
  traces: number;
  errorTraces: number;
  errorRate: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface TimeRange {
  from: string;
  to: string;
}

export interface ProjectOverview extends TraceTotals {
  range: TimeRange;
  spans: number;
  prompts: number;
  users: number;
  sessions: number;
  avgSpansPerTrace: number;
  promptActivity: Array<{ promptKey: string; traces: number; errorTraces: number; versions: number[]; lastSeenAt: string }>;
}

export interface SeriesPoint extends TraceTotals {
  bucketStart: string;
}

export interface PromptSeries {
  range: TimeRange;
  bucket: 'hour' | 'day';
  promptKey: string;
  version: number | null;
  points: SeriesPoint[];
}

export interface VersionStats extends TraceTotals {
  spans: number;
  promptVersion: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface ComparedVersion extends VersionStats {
  costPerTrace: number | null;
  tokensPerTrace: number | null;
}

export type ComparedMeasure = 'traces' | 'errorRate' | 'avgLatencyMs' | 'p50LatencyMs' | 'p95LatencyMs' | 'p99LatencyMs' | 'inputTokens' | 'outputTokens' | 'costUsd' | 'costPerTrace' | 'tokensPerTrace';

export interface VersionComparison {
  promptKey: string;
  base: ComparedVersion | null;
  candidate: ComparedVersion | null;
  delta: Record<ComparedMeasure, number | null> | null;
}

export interface UsageTotals {
  traces: number;
  spans: number;
  inputTokens: number;
  outputTokens: number;
  aiTokens: number;
}

export interface OrganizationUsage {
  range: TimeRange;
  totals: UsageTotals;
  aiTokensNote: string;
  projects: Array<UsageTotals & { projectId: string; projectName: string }>;
  days: Array<UsageTotals & { day: string }>;
}

const HOUR_MS = 3_600_000;
export const rangePresets = [
  { id: '24h', label: 'Last 24 hours', hours: 24 },
  { id: '7d', label: 'Last 7 days', hours: 24 * 7 },
  { id: '30d', label: 'Last 30 days', hours: 24 * 30 },
  { id: '90d', label: 'Last 90 days', hours: 24 * 90 },
] as const;
export type RangePreset = (typeof rangePresets)[number]['id'];

/** The preset's range, ending at the next full hour so that repeated renders ask the same question. */
export function rangeOf(preset: RangePreset, now = Date.now()): TimeRange {
  const hours = rangePresets.find((candidate) => candidate.id === preset)!.hours;
  const to = Math.ceil(now / HOUR_MS) * HOUR_MS;
  return { from: new Date(to - hours * HOUR_MS).toISOString(), to: new Date(to).toISOString() };
}

const projectBase = (organizationId: string, projectId: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}/analytics`;
const promptBase = (organizationId: string, projectId: string, promptKey: string) => `${projectBase(organizationId, projectId)}/prompts/${encodeURIComponent(promptKey)}`;
const withRange = (range: TimeRange, extra: Record<string, string> = {}) => new URLSearchParams({ ...range, ...extra }).toString();
const analyticsKey = (organizationId: string, projectId: string) => ['orgs', organizationId, 'projects', projectId, 'analytics'] as const;

export function useProjectOverview(organizationId: string, projectId: string, range: TimeRange) {
  return useQuery({
    queryKey: [...analyticsKey(organizationId, projectId), 'overview', range],
    queryFn: () => apiFetch<ProjectOverview>(`${projectBase(organizationId, projectId)}/overview?${withRange(range)}`),
    enabled: organizationId !== '' && projectId !== '',
    placeholderData: keepPreviousData,
  });
}

export function usePromptSeries(organizationId: string, projectId: string, promptKey: string | null, range: TimeRange) {
  return useQuery({
    queryKey: [...analyticsKey(organizationId, projectId), 'series', promptKey, range],
    queryFn: () => apiFetch<PromptSeries>(`${promptBase(organizationId, projectId, promptKey!)}/series?${withRange(range)}`),
    enabled: promptKey !== null,
    placeholderData: keepPreviousData,
  });
}

export function usePromptVersions(organizationId: string, projectId: string, promptKey: string | null, range: TimeRange) {
  return useQuery({
    queryKey: [...analyticsKey(organizationId, projectId), 'versions', promptKey, range],
    queryFn: () => apiFetch<{ versions: VersionStats[] }>(`${promptBase(organizationId, projectId, promptKey!)}/versions?${withRange(range)}`),
    enabled: promptKey !== null,
  });
}

export function useVersionComparison(organizationId: string, projectId: string, promptKey: string, range: TimeRange, choice: { base: number | null; candidate: number | null }) {
  const extra: Record<string, string> = {};
  if (choice.base !== null) extra.base = String(choice.base);
  if (choice.candidate !== null) extra.candidate = String(choice.candidate);
  return useQuery({
    queryKey: [...analyticsKey(organizationId, projectId), 'compare', promptKey, range, choice],
    queryFn: () => apiFetch<VersionComparison>(`${promptBase(organizationId, projectId, promptKey)}/compare?${withRange(range, extra)}`),
    placeholderData: keepPreviousData,
  });
}

export function useOrganizationUsage(organizationId: string, range: TimeRange) {
  return useQuery({
    queryKey: ['orgs', organizationId, 'usage', range],
    queryFn: () => apiFetch<OrganizationUsage>(`/api/dashboard/orgs/${organizationId}/usage?${withRange(range)}`),
    enabled: organizationId !== '',
    placeholderData: keepPreviousData,
  });
}

/** A report as JSON carries it (its time as an ISO string). */
type WithIsoTime<T> = Omit<T, 'createdAt'> & { createdAt: string };
export type StoredReports = { [Kind in keyof EngineReports]: Array<WithIsoTime<EngineReports[Kind][number]>> } & { promptKey: string };

export function usePromptReports(organizationId: string, projectId: string, promptKey: string | null) {
  return useQuery({
    queryKey: reportsKey(organizationId, projectId, promptKey),
    queryFn: () => apiFetch<StoredReports>(`${promptBase(organizationId, projectId, promptKey!)}/reports`),
    enabled: promptKey !== null && organizationId !== '' && projectId !== '',
  });
}

/** A report run as the engine sends it (engine/src/reports/schema.ts runView). */
export interface ReportRun {
  id: string;
  promptKey: string;
  promptVersion: number | null;
  status: 'queued' | 'running' | 'completed' | 'failed';
  conversationsTotal: number;
  conversationsDone: number;
  conversationsFailed: number;
  batchReports: number;
  versionReports: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export const isRunGoing = (run: ReportRun | null | undefined) => run?.status === 'queued' || run?.status === 'running';
const RUN_POLL_MS = 1000;

/** The prompt's newest report run, polled while it goes. */
export function useLatestReportRun(organizationId: string, projectId: string, promptKey: string | null) {
  return useQuery({
    queryKey: [...analyticsKey(organizationId, projectId), 'report-run', promptKey],
    queryFn: ({ signal }) => apiFetch<{ run: ReportRun | null }>(`${promptBase(organizationId, projectId, promptKey!)}/reports/runs`, { signal }),
    enabled: promptKey !== null && organizationId !== '' && projectId !== '',
    refetchInterval: (query) => (isRunGoing(query.state.data?.run) ? RUN_POLL_MS : false),
  });
}

/** Queues a report run; the newest run's query then shows (and polls) it, and the reports refresh as it writes them. */
export function useStartReportRun(organizationId: string, projectId: string, promptKey: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiSend<ReportRun>('POST', `${promptBase(organizationId, projectId, promptKey)}/reports/runs`, {}),
    onSuccess: (run) => queryClient.setQueryData([...analyticsKey(organizationId, projectId), 'report-run', promptKey], { run }),
  });
}

export const reportsKey = (organizationId: string, projectId: string, promptKey: string | null) => [...analyticsKey(organizationId, projectId), 'reports', promptKey] as const;
