/** The prompt part of the DataProvider contract (see provider.ts). */
import type { WriteContext } from './provider.js';

export const metadataFields = [
  'purpose',
  'expectedBehavior',
  'inputFormat',
  'outputFormat',
  'constraints',
  'useCases',
  'additionalNotes',
  'toolsNotes',
  'referencePrompt',
] as const;
export type PromptMetadata = Record<(typeof metadataFields)[number], string | null>;

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
}

export interface NewPromptInput extends Partial<PromptMetadata> {
  key: string;
  name: string;
  description?: string | null;
  kind?: 'text' | 'chat';
  tags?: string[];
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
  create(ctx: WriteContext, projectId: string, input: NewPromptInput, firstVersion?: VersionInput): Promise<PromptSummary>;
  get(projectId: string, key: string): Promise<PromptSummary | null>;
  /** Ordered by key; `after` is the last key of the previous page. */
  list(projectId: string, query: { limit: number; after?: string; tag?: string; label?: string }): Promise<PromptSummary[]>;
  update(ctx: WriteContext, projectId: string, key: string, patch: Partial<PromptMetadata> & { name?: string; description?: string | null; tags?: string[] }): Promise<PromptSummary>;
  delete(ctx: WriteContext, projectId: string, key: string): Promise<void>;
  createVersion(ctx: WriteContext, projectId: string, key: string, input: VersionInput): Promise<ResolvedPrompt>;
  /** By label (`latest` included) or version number; null when the prompt, label or version does not exist. */
  resolve(projectId: string, key: string, selector: { label: string } | { version: number }): Promise<ResolvedPrompt | null>;
  listVersions(projectId: string, key: string): Promise<PromptVersionView[]>;
  /** ConflictError `version_not_found` (409) when a target version does not exist. `latest` cannot be moved. */
  moveLabels(ctx: WriteContext, projectId: string, key: string, moves: Array<{ label: string; version: number }>): Promise<PromptSummary>;
  labelHistory(projectId: string, key: string): Promise<LabelEvent[]>;
  /** Every labelled version of the project (each prompt's labels, `latest` included). */
  snapshot(projectId: string): Promise<ResolvedPrompt[]>;
}
