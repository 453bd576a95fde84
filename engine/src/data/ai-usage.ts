/** The AI-usage part of the DataProvider contract (see provider.ts): every LLM call the appliance makes, and the organization's counters. */

export type AiCallStatus = 'ok' | 'error' | 'cancelled';

export interface AiCallRecord {
  organizationId: string;
  /** Null when the call belongs to no project (a provider check), or the project is gone. */
  projectId: string | null;
  userId: string | null;
  /** What made the call: `analysis`, `edit`, `test-run`, `provider-check`, … */
  feature: string;
  provider: string;
  model: string;
  /** The organization's own provider key, when it was used instead of the instance's. */
  providerKeyId: string | null;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  status: AiCallStatus;
  /** The typed error's code when status is `error`. */
  errorCode: string | null;
}

export interface AiCall extends AiCallRecord {
  id: string;
  createdAt: Date;
}

/** An organization's counters for one calendar month (UTC). */
export interface UsageCounters {
  /** The month's first day, `YYYY-MM-DD`. */
  periodStart: string;
  aiTokens: number;
  productionTokens: number;
  traces: number;
  spans: number;
  tests: number;
  analysisRuns: number;
}

export interface AiUsageStore {
  /**
   * Records one call and adds its tokens to the organization's AI-token counter for the current month,
   * together. A project, user or provider key deleted meanwhile is recorded as null.
   */
  record(call: AiCallRecord): Promise<void>;
  /** Adds finished test runs or analysis runs to the organization's counters for the current month. */
  countRuns(organizationId: string, kind: 'tests' | 'analysisRuns', count?: number): Promise<void>;
  /** The organization's calls, newest first. */
  list(organizationId: string, options?: { limit?: number }): Promise<AiCall[]>;
  /** The counters of the month containing `at` (now by default); zeros when nothing was counted. */
  counters(organizationId: string, at?: Date): Promise<UsageCounters>;
}
