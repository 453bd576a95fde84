/** The prompt-analysis part of the DataProvider contract (see provider.ts): the AI's stored reviews of prompt versions. */
import type { WriteContext } from './provider.js';

export interface AlignmentScore {
  score: number;
  feedback: string;
}

export interface AnalysisFindings {
  clarityScore: number;
  overallAssessment: string;
  improvements: string[];
  edgeCases: string[];
  optimizations: string[];
  alignmentCheck: { purposeAlignment: AlignmentScore; behaviorAlignment: AlignmentScore; constraintsAlignment: AlignmentScore } | null;
  toolUsageAnalysis: { overallToolUsage: string; tools: Array<{ name: string; isProperlyInstructed: boolean; issues: string[]; suggestions: string[] }> } | null;
}

export interface PromptAnalysis extends AnalysisFindings {
  id: string;
  versionId: string;
  model: string;
  createdBy: string | null;
  createdAt: Date;
}

/** A tool of the organization's library linked to a prompt, as the analysis describes it to the model. */
export interface LinkedTool {
  name: string;
  description: string;
  isRequired: boolean;
  usageNotes: string | null;
}

export interface PromptAnalysisStore {
  /** Stores an analysis of a version with its audit entry, together. */
  record(
    ctx: WriteContext,
    scope: { organizationId: string; projectId: string; promptId: string; promptKey: string; version: number },
    analysis: AnalysisFindings & { versionId: string; model: string; createdBy: string | null },
  ): Promise<PromptAnalysis>;
  /** A version's analyses, newest first. */
  listForVersion(versionId: string): Promise<PromptAnalysis[]>;
  /** The tools linked to a prompt, by name. */
  linkedTools(promptId: string): Promise<LinkedTool[]>;
}
