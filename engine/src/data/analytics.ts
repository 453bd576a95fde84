/** The analytics part of the DataProvider contract (see provider.ts): read-only aggregates over traces and spans. */

/** A half-open time range [from, to). */
export interface TimeRange {
  from: Date;
  to: Date;
}

export type Bucket = 'hour' | 'day';

/** Latency of traces that have ended, in milliseconds (null when none has). */
export interface LatencyStats {
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
}

export interface TraceTotals extends LatencyStats {
  traces: number;
  spans: number;
  /** Traces with status `error`. */
  errorTraces: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface PromptActivity {
  promptKey: string;
  traces: number;
  errorTraces: number;
  versions: number[];
  lastSeenAt: Date;
}

export interface ProjectOverview extends TraceTotals {
  /** The original's log stats: distinct prompts, users and sessions seen in the range. */
  prompts: number;
  users: number;
  sessions: number;
  /** Prompts with traces in the range, busiest first. */
  promptActivity: PromptActivity[];
}

export interface SeriesPoint extends LatencyStats {
  bucketStart: Date;
  traces: number;
  errorTraces: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface SeriesQuery extends TimeRange {
  bucket: Bucket;
  promptKey?: string;
  promptVersion?: number;
}

export interface VersionStats extends TraceTotals {
  /** null for traces sent without a version. */
  promptVersion: number | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface UsageTotals {
  traces: number;
  spans: number;
  inputTokens: number;
  outputTokens: number;
  /** Tokens the appliance itself spent on AI features (reports, analysis); 0 until those exist. */
  aiTokens: number;
}

export interface OrganizationUsageReport {
  totals: UsageTotals;
  projects: Array<UsageTotals & { projectId: string; projectName: string }>;
  days: Array<UsageTotals & { day: string }>;
}

/** The AI-written reports stored for a prompt, newest first (written by the AI features). */
export interface StoredReports {
  conversations: Array<{
    traceId: string;
    promptVersion: number | null;
    successScore: number;
    outcome: 'success' | 'partial' | 'failed';
    criticalPoints: string[];
    issues: string[];
    summary: string;
    model: string;
    createdAt: Date;
  }>;
  batches: Array<{
    promptVersion: number;
    conversationCount: number;
    averageScore: number;
    commonPatterns: string[];
    frequentIssues: string[];
    recommendations: string[];
    summary: string;
    model: string;
    createdAt: Date;
  }>;
  versions: Array<{
    promptVersion: number;
    successRate: number;
    averageScore: number;
    conversationCount: number;
    strengths: string[];
    weaknesses: string[];
    keyInsights: string[];
    improvementSuggestions: string[];
    summary: string;
    model: string;
    createdAt: Date;
  }>;
}

export interface AnalyticsStore {
  overview(projectId: string, range: TimeRange): Promise<ProjectOverview>;
  /** One point per bucket in the range, empty buckets included. */
  series(projectId: string, query: SeriesQuery): Promise<SeriesPoint[]>;
  /** One row per version of the prompt seen in the range, newest version first. */
  versions(projectId: string, promptKey: string, range: TimeRange): Promise<VersionStats[]>;
  usage(organizationId: string, range: TimeRange): Promise<OrganizationUsageReport>;
  /** The newest `limit` reports of each kind about the project's prompt. */
  reports(projectId: string, promptKey: string, limit: number): Promise<StoredReports>;
}
