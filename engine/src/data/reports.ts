/** The report-generation part of the DataProvider contract (see provider.ts): runs and the reports they write. */

export type ReportRunStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface ReportRun {
  id: string;
  organizationId: string;
  projectId: string;
  promptId: string;
  /** Null: every version of the prompt. */
  versionNumber: number | null;
  force: boolean;
  conversationLimit: number;
  status: ReportRunStatus;
  conversationsTotal: number;
  conversationsDone: number;
  conversationsFailed: number;
  batchReports: number;
  versionReports: number;
  error: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export type NewReportRun = Pick<ReportRun, 'organizationId' | 'projectId' | 'promptId' | 'versionNumber' | 'force' | 'conversationLimit' | 'createdBy'>;
export type ReportRunProgress = Partial<Pick<ReportRun, 'status' | 'conversationsTotal' | 'conversationsDone' | 'conversationsFailed' | 'batchReports' | 'versionReports' | 'error' | 'finishedAt'>>;

/** A trace waiting for its conversation report: our id, the client's id, and its version. */
export interface TraceToReport {
  id: string;
  traceId: string;
  versionNumber: number | null;
}

export interface ConversationFindings {
  successScore: number;
  outcome: 'success' | 'partial' | 'failed';
  criticalPoints: string[];
  issues: string[];
  summary: string;
}

export interface StoredConversationReport extends ConversationFindings {
  traceId: string;
  versionNumber: number | null;
  createdAt: Date;
}

export interface BatchFindings {
  averageScore: number;
  commonPatterns: string[];
  frequentIssues: string[];
  recommendations: string[];
  summary: string;
}

export interface VersionFindings {
  successRate: number;
  averageScore: number;
  keyInsights: string[];
  improvementSuggestions: string[];
  strengths: string[];
  weaknesses: string[];
  summary: string;
}

/**
 * Background runs (report runs, suite runs) and the jobs that work them. A handler holds its run while
 * it works, so that a second delivery of its job (the queue retries a job whose time ran out, even
 * while its handler still works) stands aside; the hold ends with the work, or with the handler's
 * engine. A run nobody holds and no job will work was interrupted (see reports/interrupted-runs.ts).
 */
export interface RunHolds {
  /** Runs `work` while holding the run; false, without running it, when another handler holds the run. */
  withRunHeld(runId: string, work: () => Promise<void>): Promise<boolean>;
  /**
   * Fails, with `error`, the runs still queued or running that were created before `createdBefore`,
   * that no handler holds, and for which no `jobName` job waits, retries or works. Answers their ids.
   */
  failInterruptedRuns(options: { jobName: string; createdBefore: Date; error: string }): Promise<string[]>;
  /**
   * The ids of `jobName` jobs working since before `startedBefore` whose run, still queued or
   * running, no handler holds: their engine stopped while it worked them.
   */
  abandonedJobs(options: { jobName: string; startedBefore: Date }): Promise<string[]>;
}

export interface ReportStore extends RunHolds {
  /**
   * Creates a run, unless the prompt has one queued or running (checked under a lock, so that two
   * starts at once make one run): that run is answered then, with `created` false.
   */
  createRun(run: NewReportRun): Promise<{ run: ReportRun; created: boolean }>;
  /** The run, when it belongs to the project. */
  getRun(projectId: string, runId: string): Promise<ReportRun | null>;
  /** The prompt's newest run (of any version), or null. */
  latestRun(projectId: string, promptId: string): Promise<ReportRun | null>;
  /** Records progress of a run still queued or running; a finished run is never changed again. */
  updateRun(runId: string, progress: ReportRunProgress): Promise<void>;
  /**
   * The prompt's newest traces to analyse (of one version, or all): without a conversation report,
   * or — when `force` — without one written since `reportedSince` (by the run itself, before it was
   * interrupted).
   */
  tracesToReport(projectId: string, promptKey: string, options: { versionNumber: number | null; force: boolean; limit: number; reportedSince: Date }): Promise<TraceToReport[]>;
  /** The versions of the prompt's conversation reports written since `since`, ascending. */
  versionsReportedSince(promptId: string, since: Date): Promise<number[]>;
  /** Stores a trace's report, replacing an earlier one (a trace has at most one). */
  saveConversationReport(scope: { projectId: string; promptId: string }, trace: TraceToReport, findings: ConversationFindings & { model: string }): Promise<void>;
  /** A version's conversation reports that no batch report summarises yet, oldest first. */
  unbatchedConversationReports(promptId: string, versionNumber: number): Promise<Array<StoredConversationReport & { id: string; traceRowId: string }>>;
  saveBatchReport(scope: { projectId: string; promptId: string; versionNumber: number }, traceRowIds: string[], findings: BatchFindings & { model: string }): Promise<void>;
  /** What a version report is written from: its newest conversation reports (up to `limit`), its batch reports, and how many conversation reports it has. */
  versionReportInputs(promptId: string, versionNumber: number, limit: number): Promise<{ conversations: StoredConversationReport[]; batches: Array<BatchFindings & { conversationCount: number }>; conversationCount: number }>;
  /** Stores a version report; false when the version no longer exists. */
  saveVersionReport(promptId: string, versionNumber: number, findings: VersionFindings & { conversationCount: number; model: string }): Promise<boolean>;
}
