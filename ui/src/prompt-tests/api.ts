import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CriterionVerdict, VersionStats } from '../../../engine/src/data/prompt-tests';
import { choiceFields, type AiCallChoiceValue } from '../ai/AiCallChoice';
import { providerNames, type AiProviderName } from '../ai/api';
import { apiFetch, apiSend } from '../app/api';
import { promptKeyOf, promptPath } from '../prompts/api';

/** Shapes as the engine sends them (engine/src/prompt-tests/schema.ts). */
export interface PlaygroundReply {
  response: string;
  tokens: number;
  responseTime: number;
  provider: AiProviderName;
  model: string;
  usage: { inputTokens: number; outputTokens: number };
  testResultId: string;
  versionStats: VersionStats;
}
export type { VersionStats };
/** A version on the versions timeline: its tests (playground turns and suite-run answers) and newest completed suite run. */
export interface VersionTestSummary extends VersionStats {
  version: number;
  latestSuiteRun: (RunModels & { id: string; suiteId: string; passed: number; failed: number; errored: number; passRate: number | null; finishedAt: string | null }) | null;
}
/** What a run answered and judged with; null: the organization's provider, the provider's default model. */
export interface RunModels {
  provider: AiProviderName | null;
  model: string | null;
  judgeProvider: AiProviderName | null;
  judgeModel: string | null;
}
export interface TestCase {
  id: string;
  input: string;
  variables: Record<string, string>;
  criteria: string[];
}
export interface TestRun extends RunModels {
  id: string;
  version: number;
  status: 'queued' | 'running' | 'completed' | 'failed';
  casesTotal: number;
  casesDone: number;
  passed: number;
  failed: number;
  errored: number;
  passRate: number | null;
  error: string | null;
  createdAt: string;
}
export interface SuiteSummary {
  id: string;
  name: string;
  generatedFromVersion: number | null;
  caseCount: number;
  createdAt: string;
}
export interface SuiteDetail {
  suite: Omit<SuiteSummary, 'caseCount'>;
  cases: TestCase[];
  runs: TestRun[];
  passRateByVersion: Array<RunModels & { version: number; runId: string; passRate: number | null }>;
  /** The newest completed run's result for each case it ran. */
  latestRun: { runId: string; version: number; results: Array<CaseResult & { caseId: string }> } | null;
}
export interface CaseResult {
  status: 'passed' | 'failed' | 'errored';
  response: string | null;
  verdicts: CriterionVerdict[];
  error: string | null;
  latencyMs: number | null;
}
export interface Comparison {
  from: { version: number; run: TestRun | null };
  to: { version: number; run: TestRun | null };
  cases: Array<{ caseId: string; input: string; criteria: string[]; from: CaseResult | null; to: CaseResult | null }>;
}
export interface ModelChoice {
  defaultModel: string | null;
  models: Array<{ id: string; name?: string }>;
}

export const isRunGoing = (run: TestRun | undefined | null) => run?.status === 'queued' || run?.status === 'running';
export const formatPassRate = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);

/** "Anthropic · claude-x", "Anthropic · default model"; without a provider (the organization's), the model alone or "the organization's default model". */
export function formatModel(provider: AiProviderName | null, model: string | null): string {
  if (!provider) return model ?? "the organization's default model";
  return `${providerNames[provider]} · ${model ?? 'default model'}`;
}

/** The judge, or null when it is the run's own provider and model. */
export const formatJudge = (run: RunModels) => (run.judgeProvider === run.provider && run.judgeModel === run.model ? null : formatModel(run.judgeProvider, run.judgeModel));

/** "on Anthropic · claude-x", with ", judged by …" when another model judged. */
export function formatRunModels(run: RunModels): string {
  const judge = formatJudge(run);
  return `on ${formatModel(run.provider, run.model)}${judge ? `, judged by ${judge}` : ''}`;
}

/** The request fields of a run's choice and its judge's (a judge left at "Same as the run" sends none). */
export function runChoiceFields(run: AiCallChoiceValue, judge: AiCallChoiceValue): RunChoiceFields {
  const { provider: judgeProvider, model: judgeModel } = choiceFields(judge);
  return { ...choiceFields(run), judgeProvider, judgeModel };
}
export interface RunChoiceFields {
  provider?: AiProviderName;
  model?: string;
  judgeProvider?: AiProviderName;
  judgeModel?: string;
}

const suitesPath = (organizationId: string, projectId: string, key: string) => `${promptPath(organizationId, projectId, key)}/test-suites`;
const suitesKey = (organizationId: string, projectId: string, key: string) => [...promptKeyOf(organizationId, projectId, key), 'test-suites'] as const;

export function playgroundTurn(organizationId: string, projectId: string, key: string, version: number, body: { provider?: AiProviderName; model?: string; variables: Record<string, string>; messages: Array<{ role: 'user' | 'assistant'; content: string }> }) {
  return apiSend<PlaygroundReply>('POST', `${promptPath(organizationId, projectId, key)}/versions/${version}/playground`, body);
}

/** Every test-stats query of a prompt (each version's, and the timeline's) is under this key. */
export const testStatsKey = (organizationId: string, projectId: string, key: string) => [...promptKeyOf(organizationId, projectId, key), 'test-stats'] as const;
export const versionStatsKey = (organizationId: string, projectId: string, key: string, version: number | null) => [...testStatsKey(organizationId, projectId, key), version] as const;

export const promptTestStatsKey = (organizationId: string, projectId: string, key: string) => [...testStatsKey(organizationId, projectId, key), 'versions'] as const;

/** Every version's tests and newest suite pass rate, for the versions timeline (refreshed after playground turns and finished suite runs). */
export function usePromptTestStats(organizationId: string, projectId: string, key: string) {
  return useQuery({
    queryKey: promptTestStatsKey(organizationId, projectId, key),
    queryFn: ({ signal }) => apiFetch<{ versions: VersionTestSummary[] }>(`${promptPath(organizationId, projectId, key)}/test-stats`, { signal }),
    select: (data) => new Map(data.versions.map((summary) => [summary.version, summary])),
  });
}

/** A version's playground count and averages (refreshed after each playground turn). */
export function useVersionStats(organizationId: string, projectId: string, key: string, version: number | null) {
  return useQuery({
    queryKey: versionStatsKey(organizationId, projectId, key, version),
    queryFn: ({ signal }) => apiFetch<VersionStats>(`${promptPath(organizationId, projectId, key)}/versions/${version}/test-stats`, { signal }),
    enabled: version !== null,
  });
}

export function useSuites(organizationId: string, projectId: string, key: string) {
  return useQuery({
    queryKey: suitesKey(organizationId, projectId, key),
    queryFn: ({ signal }) => apiFetch<{ suites: SuiteSummary[] }>(suitesPath(organizationId, projectId, key), { signal }),
  });
}

/** A suite, polled every second while one of its runs goes. */
export function useSuite(organizationId: string, projectId: string, key: string, suiteId: string | null) {
  return useQuery({
    queryKey: [...suitesKey(organizationId, projectId, key), suiteId],
    queryFn: ({ signal }) => apiFetch<SuiteDetail>(`${suitesPath(organizationId, projectId, key)}/${suiteId}`, { signal }),
    enabled: suiteId !== null,
    refetchInterval: (query) => (query.state.data?.runs.some(isRunGoing) ? 1000 : false),
  });
}

/** `finishedRuns` is in the key so the comparison is asked again when a run finishes. */
export function useComparison(organizationId: string, projectId: string, key: string, suiteId: string, versions: { from: number; to: number } | null, finishedRuns: number) {
  return useQuery({
    queryKey: [...suitesKey(organizationId, projectId, key), suiteId, 'compare', versions?.from, versions?.to, finishedRuns],
    queryFn: ({ signal }) => apiFetch<Comparison>(`${suitesPath(organizationId, projectId, key)}/${suiteId}/compare?from=${versions!.from}&to=${versions!.to}`, { signal }),
    enabled: versions !== null,
  });
}

/** Every change to suites (generate, cases, runs) refreshes the prompt's suites. */
export function useSuiteAction<A, R>(organizationId: string, projectId: string, key: string, action: (base: string, argument: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (argument: A) => action(suitesPath(organizationId, projectId, key), argument),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: suitesKey(organizationId, projectId, key) }),
  });
}
