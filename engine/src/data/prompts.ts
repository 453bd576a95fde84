/** The prompt part of the DataProvider contract (see provider.ts). */
import type { WriteContext } from './provider.js';
import { promptMetadataFields } from '@forprompt/sdk';

/** The original's structured metadata fields (one list, in the SDK, for the engine, the CLI and the SDK's types). */
export const metadataFields = promptMetadataFields;
export type PromptMetadata = Record<(typeof metadataFields)[number], string | null>;

/**
 * The original's completeness score (0–100): purpose 15, expected behavior 15, input format, output
 * format, constraints and use cases 10 each, linked tools 20, tool notes 10. Additional notes and the
 * reference prompt are not scored. A blank (whitespace-only) field counts as empty.
 */
export const completenessWeights = {
  purpose: 15,
  expectedBehavior: 15,
  inputFormat: 10,
  outputFormat: 10,
  constraints: 10,
  useCases: 10,
  linkedTools: 20,
  toolsNotes: 10,
} as const;

export function completenessOf(metadata: Partial<PromptMetadata>, linkedTools = 0): number {
  let score = linkedTools > 0 ? completenessWeights.linkedTools : 0;
  for (const [field, weight] of Object.entries(completenessWeights)) {
    if (field === 'linkedTools') continue;
    if (metadata[field as keyof PromptMetadata]?.trim()) score += weight;
  }
  return score;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface PromptSummary extends PromptMetadata {
  id: string;
  projectId: string;
  key: string;
  name: string;
  description: string | null;
  kind: 'text' | 'chat';
  tags: string[];
  /** label → version number; `latest` is always the newest version. */
  labels: Record<string, number>;
  latestVersion: number | null;
  /** 0–100, see completenessOf. */
  completeness: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface PromptVersionView {
  id: string;
  version: number;
  template: string | null;
  messages: ChatMessage[] | null;
  config: Record<string, unknown>;
  variables: string[];
  commitMessage: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface ResolvedPrompt {
  prompt: PromptSummary;
  version: PromptVersionView;
  /** The labels pointing at this version (including `latest`). */
  labels: string[];
}

export interface VersionInput {
  template?: string | null;
  messages?: ChatMessage[] | null;
  config?: Record<string, unknown>;
  commitMessage?: string | null;
  /** Extracted by the caller with the template compiler. */
  variables: string[];
  /** Labels to point at the new version at once (e.g. `production`). */
  labels?: string[];
  /** See LabelPolicy; false unless given. */
  mayMoveProtected?: boolean;
}

/**
 * Whether the caller may move the project's protected labels (an admin may; a member or an API key
 * may not). A move the caller may not make becomes a pending promotion request instead, in the same
 * transaction as the rest of the write.
 */
export interface LabelPolicy {
  mayMoveProtected?: boolean;
  /** Kept on the promotion requests this write opens. */
  comment?: string | null;
}

export type PromotionStatus = 'pending' | 'approved' | 'rejected' | 'cancelled' | 'superseded';

export interface PromotionRequest {
  id: string;
  projectId: string;
  promptId: string;
  promptKey: string;
  label: string;
  /** What the label pointed at when the request was made. */
  fromVersion: number | null;
  toVersion: number;
  /** What the label points at now (for a pending request: what approving would replace). */
  currentVersion: number | null;
  status: PromotionStatus;
  comment: string | null;
  requestedBy: { userId: string | null; apiKeyId: string | null; name: string | null };
  decidedBy: { userId: string; name: string | null } | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdAt: Date;
}

/** What a write that moves labels did: labels it moved, and requests it opened for protected ones. */
export interface PromotionOutcome {
  promotionRequests: PromotionRequest[];
}

export interface ProtectedLabel {
  label: string;
  createdBy: string | null;
  createdAt: Date;
}

/**
 * Protected labels of a project and the promotion requests for them. Protecting `latest` is refused
 * (it moves by itself).
 */
export interface PromotionStore {
  protectedLabels(projectId: string): Promise<ProtectedLabel[]>;
  /** Idempotent; returns the project's protected labels. */
  protect(ctx: WriteContext, projectId: string, label: string): Promise<ProtectedLabel[]>;
  /** Idempotent; pending requests for the label stay pending (an admin still decides them). */
  unprotect(ctx: WriteContext, projectId: string, label: string): Promise<ProtectedLabel[]>;
  /** Newest first. */
  list(projectId: string, query: { status?: PromotionStatus; key?: string; limit: number; before?: Date }): Promise<PromotionRequest[]>;
  get(projectId: string, id: string): Promise<PromotionRequest | null>;
  /**
   * approve: the label moves (recorded like any deploy, by the approver); reject / cancel: nothing
   * moves. ConflictError `promotion_not_pending` when it was decided already.
   */
  decide(ctx: WriteContext, projectId: string, id: string, decision: 'approve' | 'reject' | 'cancel', note?: string | null): Promise<PromotionRequest>;
}

export interface NewPromptInput extends Partial<PromptMetadata> {
  key: string;
  name: string;
  description?: string | null;
  kind?: 'text' | 'chat';
  tags?: string[];
}

/** One prompt of an import (or a duplication), planned by the caller against what it read. */
export interface ImportItem {
  key: string;
  /** Set when the prompt is to be created. */
  create?: NewPromptInput;
  /**
   * The prompt's newest version number when the plan was made (null: new, or no versions). If it
   * changed meanwhile the whole import is refused with ConflictError `import_stale`, nothing written.
   */
  expectedLatest: number | null;
  /** Appended in order as the next versions. */
  versions: VersionInput[];
  /** Final label positions (version numbers after the append); protected labels move too. */
  labels: Array<{ label: string; version: number }>;
}

export interface LabelEvent {
  label: string;
  fromVersion: number | null;
  toVersion: number;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  createdAt: Date;
}

/**
 * Prompts of a project. Callers pass a project they have checked belongs to the caller's
 * organization; every method is scoped to it. Versions are immutable and numbered 1, 2, 3… per
 * prompt, with no gaps or duplicates even when saves race.
 */
export interface PromptStore {
  /** ConflictError `prompt_key_taken` when the key exists. With `firstVersion`, version 1 too. */
  create(ctx: WriteContext, projectId: string, input: NewPromptInput, firstVersion?: VersionInput): Promise<PromptSummary & PromotionOutcome>;
  get(projectId: string, key: string): Promise<PromptSummary | null>;
  /** Ordered by key; `after` is the last key of the previous page. */
  list(projectId: string, query: { limit: number; after?: string; tag?: string; label?: string }): Promise<PromptSummary[]>;
  update(ctx: WriteContext, projectId: string, key: string, patch: Partial<PromptMetadata> & { name?: string; description?: string | null; tags?: string[] }): Promise<PromptSummary>;
  delete(ctx: WriteContext, projectId: string, key: string): Promise<void>;
  createVersion(ctx: WriteContext, projectId: string, key: string, input: VersionInput): Promise<ResolvedPrompt & PromotionOutcome>;
  /** By label (`latest` included) or version number; null when the prompt, label or version does not exist. */
  resolve(projectId: string, key: string, selector: { label: string } | { version: number }): Promise<ResolvedPrompt | null>;
  listVersions(projectId: string, key: string): Promise<PromptVersionView[]>;
  /** Several prompts by key in one go (those that exist, ordered by key). */
  getMany(projectId: string, keys: string[]): Promise<PromptSummary[]>;
  /** The versions of several prompts in one go, newest first, by key (a prompt that does not exist is absent). */
  listVersionsOf(projectId: string, keys: string[]): Promise<Map<string, PromptVersionView[]>>;
  /**
   * ConflictError `version_not_found` (409) when a target version does not exist. `latest` cannot be
   * moved. Moves of protected labels the policy does not allow open promotion requests instead.
   */
  moveLabels(ctx: WriteContext, projectId: string, key: string, moves: Array<{ label: string; version: number }>, policy?: LabelPolicy): Promise<{ prompt: PromptSummary } & PromotionOutcome>;
  labelHistory(projectId: string, key: string): Promise<LabelEvent[]>;
  /** Every labelled version of the project (each prompt's labels, `latest` included). */
  snapshot(projectId: string): Promise<ResolvedPrompt[]>;
  /** Applies a planned import in one transaction (all of it or nothing), audited as one entry. */
  importPrompts(ctx: WriteContext, projectId: string, items: ImportItem[], summary: string): Promise<PromptSummary[]>;
}
