/** The prompt-testing part of the DataProvider contract (see provider.ts): playground results, test suites, their cases and runs. */
import type { WriteContext } from './provider.js';

export interface CriterionVerdict {
  criterion: string;
  passed: boolean;
  reason: string;
}

export interface PlaygroundResultInput {
  versionId: string;
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
  model: string | null;
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

export interface PromptTestStore {
  /** Stores one playground turn and rolls it into the version's test count and averages, together. */
  recordPlaygroundResult(result: PlaygroundResultInput): Promise<{ id: string; testCount: number; avgTokens: number | null; avgLatencyMs: number | null }>;
  /** A version's test count and averages (tokens per answer, latency). */
  versionStats(versionId: string): Promise<{ testCount: number; avgTokens: number | null; avgLatencyMs: number | null }>;

  createSuite(ctx: WriteContext, scope: SuiteScope, suite: { name: string; generatedFromVersion: number | null; model: string | null; createdBy: string | null }, cases: TestCaseFields[]): Promise<TestSuite>;
  listSuites(promptId: string): Promise<Array<TestSuite & { caseCount: number }>>;
  getSuite(promptId: string, suiteId: string): Promise<TestSuite | null>;
  deleteSuite(ctx: WriteContext, scope: SuiteScope, suiteId: string): Promise<void>;
  listCases(suiteId: string): Promise<TestCase[]>;
  addCase(ctx: WriteContext, scope: SuiteScope, suiteId: string, fields: TestCaseFields): Promise<TestCase>;
  /** Null when the case is not in the suite. */
  updateCase(ctx: WriteContext, scope: SuiteScope, suiteId: string, caseId: string, fields: Partial<TestCaseFields>): Promise<TestCase | null>;
  deleteCase(ctx: WriteContext, scope: SuiteScope, suiteId: string, caseId: string): Promise<boolean>;

  createRun(run: { suiteId: string; versionId: string; version: number; model: string | null; casesTotal: number; createdBy: string | null }): Promise<TestRun>;
  getRun(runId: string): Promise<TestRun | null>;
  updateRun(runId: string, change: Partial<Pick<TestRun, 'status' | 'casesTotal' | 'casesDone' | 'passed' | 'failed' | 'errored' | 'error' | 'finishedAt'>>): Promise<void>;
  listRuns(suiteId: string, limit?: number): Promise<TestRun[]>;
  saveCaseResult(runId: string, result: CaseResultInput): Promise<void>;
  caseResults(runId: string): Promise<CaseResult[]>;
}
