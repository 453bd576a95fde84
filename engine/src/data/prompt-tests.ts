/** The prompt-testing part of the DataProvider contract (see provider.ts): playground results, test suites, their cases and runs. */
import type { AiProviderName } from '../config.js';
import type { WriteContext } from './provider.js';
import type { RunHolds } from './reports.js';

export interface CriterionVerdict {
  criterion: string;
  passed: boolean;
  reason: string;
}

export interface PlaygroundResultInput {
  versionId: string;
  /** The provider that answered. */
  provider: AiProviderName;
  model: string;
  variables: Record<string, string>;
  userMessage: string;
  response: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  createdBy: string | null;
}

export interface TestSuite {
  id: string;
  promptId: string;
  name: string;
  generatedFromVersion: number | null;
  model: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TestCaseFields {
  input: string;
  variables: Record<string, string>;
  criteria: string[];
}

export interface TestCase extends TestCaseFields {
  id: string;
  suiteId: string;
  createdAt: Date;
  updatedAt: Date;
}

export type TestRunStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface TestRun {
  id: string;
  suiteId: string;
  versionId: string;
  version: number;
  /** Null: the organization's provider (Settings › AI). */
  provider: AiProviderName | null;
  /** Null: the provider's default model. */
  model: string | null;
  /** The judge's provider and model, with the same defaults (the run's own when none was chosen). */
  judgeProvider: AiProviderName | null;
  judgeModel: string | null;
  status: TestRunStatus;
  casesTotal: number;
  casesDone: number;
  passed: number;
  failed: number;
  errored: number;
  error: string | null;
  createdBy: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export type CaseOutcome = 'passed' | 'failed' | 'errored';

export interface CaseResultInput {
  caseId: string;
  status: CaseOutcome;
  response: string | null;
  verdicts: CriterionVerdict[];
  error: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
}

export interface CaseResult extends CaseResultInput {
  id: string;
  runId: string;
  createdAt: Date;
}

/** Where a suite lives, for audit entries. */
export interface SuiteScope {
  organizationId: string;
  projectId: string;
  promptId: string;
  promptKey: string;
}

/** A version's tests: playground turns and suite-run answers, each counted once. */
export interface VersionStats {
  testCount: number;
  /** Input plus output tokens per answer. */
  avgTokens: number | null;
  avgLatencyMs: number | null;
}

export interface VersionTestSummary extends VersionStats {
  version: number;
  /** The version's newest completed suite run (of any suite), or null. */
  latestSuiteRun: Pick<TestRun, 'id' | 'suiteId' | 'provider' | 'model' | 'judgeProvider' | 'judgeModel' | 'passed' | 'failed' | 'errored' | 'finishedAt'> | null;
}

export interface PromptTestStore extends RunHolds {
  /** Stores one playground turn and rolls it into the version's test count and averages, together. */
  recordPlaygroundResult(result: PlaygroundResultInput): Promise<{ id: string } & VersionStats>;
  /** A version's test count and averages (tokens per answer, latency). */
  versionStats(versionId: string): Promise<VersionStats>;
  /** Every version of the prompt, newest first, with its test count, averages and newest completed suite run. */
  versionTestSummaries(promptId: string): Promise<VersionTestSummary[]>;

  createSuite(ctx: WriteContext, scope: SuiteScope, suite: { name: string; generatedFromVersion: number | null; model: string | null; createdBy: string | null }, cases: TestCaseFields[]): Promise<TestSuite>;
  listSuites(promptId: string): Promise<Array<TestSuite & { caseCount: number }>>;
  getSuite(promptId: string, suiteId: string): Promise<TestSuite | null>;
  deleteSuite(ctx: WriteContext, scope: SuiteScope, suiteId: string): Promise<void>;
  listCases(suiteId: string): Promise<TestCase[]>;
  addCase(ctx: WriteContext, scope: SuiteScope, suiteId: string, fields: TestCaseFields): Promise<TestCase>;
  /** Null when the case is not in the suite. */
  updateCase(ctx: WriteContext, scope: SuiteScope, suiteId: string, caseId: string, fields: Partial<TestCaseFields>): Promise<TestCase | null>;
  deleteCase(ctx: WriteContext, scope: SuiteScope, suiteId: string, caseId: string): Promise<boolean>;

  createRun(run: Pick<TestRun, 'suiteId' | 'versionId' | 'version' | 'provider' | 'model' | 'judgeProvider' | 'judgeModel' | 'casesTotal' | 'createdBy'>): Promise<TestRun>;
  getRun(runId: string): Promise<TestRun | null>;
  /** Records progress of a run still queued or running; a finished run is never changed again. */
  updateRun(runId: string, change: Partial<Pick<TestRun, 'status' | 'casesTotal' | 'casesDone' | 'passed' | 'failed' | 'errored' | 'error' | 'finishedAt'>>): Promise<void>;
  listRuns(suiteId: string, limit?: number): Promise<TestRun[]>;
  /** Stores a case's result and, when the version answered, rolls the answer into the version's test count and averages, together. */
  saveCaseResult(runId: string, result: CaseResultInput): Promise<void>;
  caseResults(runId: string): Promise<CaseResult[]>;
}
