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

export interface ReportStore {
  createRun(run: NewReportRun): Promise<ReportRun>;
  /** The run, when it belongs to the project. */
  getRun(projectId: string, runId: string): Promise<ReportRun | null>;
  /** The prompt's newest run (of any version), or null. */
  latestRun(projectId: string, promptId: string): Promise<ReportRun | null>;
  updateRun(runId: string, progress: ReportRunProgress): Promise<void>;
  /**
   * The prompt's newest traces to analyse (of one version, or all): without a conversation report,
   * or all of them when `force`.
   */
  tracesToReport(projectId: string, promptKey: string, options: { versionNumber: number | null; force: boolean; limit: number }): Promise<TraceToReport[]>;
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
