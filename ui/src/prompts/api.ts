import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { PromptMetadata } from '../../../engine/src/data/prompts';
import { apiFetch } from '../app/api';
import type { VersionDiff } from './diffRows';

export type { PromptMetadata };

export type PromptKind = 'text' | 'chat';
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** A prompt as the list and the prompt page show it (engine/src/data/prompts.ts PromptSummary). */
export interface PromptSummary extends PromptMetadata {
  key: string;
  name: string;
  description: string | null;
  kind: PromptKind;
  tags: string[];
  /** label → version number; `latest` is always the newest version. */
  labels: Record<string, number>;
  latestVersion: number | null;
  /** 0–100: how much of the metadata is filled in (see completeness.ts). */
  completeness: number;
  updatedAt: string;
}

export interface PromptVersion {
  id: string;
  version: number;
  template: string | null;
  messages: ChatMessage[] | null;
  config: Record<string, unknown>;
  variables: string[];
  commitMessage: string | null;
  createdBy: string | null;
  createdAt: string;
}

/** One move of a label: a deploy, a rollback, or `latest` following a save. */
export interface LabelEvent {
  label: string;
  fromVersion: number | null;
  toVersion: number;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  createdAt: string;
}

export interface PromptDetail {
  prompt: PromptSummary;
  /** Newest first. */
  versions: PromptVersion[];
  history: LabelEvent[];
}

export const PRODUCTION = 'production';
export const STAGING = 'staging';

export const promptsKey = (organizationId: string, projectId: string) => ['orgs', organizationId, 'projects', projectId, 'prompts'] as const;
export const promptKeyOf = (organizationId: string, projectId: string, key: string) => [...promptsKey(organizationId, projectId), key] as const;
export const promptsPath = (organizationId: string, projectId: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}/prompts`;
export const promptPath = (organizationId: string, projectId: string, key: string) => `${promptsPath(organizationId, projectId)}/${encodeURIComponent(key)}`;

// The list page shows one page of the engine's maximum size; search filters it in the browser.
const LIST_LIMIT = 200;

/** What the engine filters the list by; empty strings mean "any". */
export interface PromptFilters {
  tag: string;
  label: string;
}

export const noFilters: PromptFilters = { tag: '', label: '' };

export function usePromptList(organizationId: string, projectId: string, filters: PromptFilters = noFilters) {
  const query = new URLSearchParams({ limit: String(LIST_LIMIT) });
  if (filters.tag) query.set('tag', filters.tag);
  if (filters.label) query.set('label', filters.label);
  return useQuery({
    // An object, so it can never collide with a prompt's key under promptsKey (see promptKeyOf).
    queryKey: [...promptsKey(organizationId, projectId), { list: filters }],
    queryFn: ({ signal }) => apiFetch<{ prompts: PromptSummary[]; nextCursor: string | null }>(`${promptsPath(organizationId, projectId)}?${query}`, { signal }),
  });
}

export function usePromptDetail(organizationId: string, projectId: string, key: string) {
  return useQuery({
    queryKey: promptKeyOf(organizationId, projectId, key),
    queryFn: ({ signal }) => apiFetch<PromptDetail>(promptPath(organizationId, projectId, key), { signal }),
  });
}

/** The engine's diff of two versions of a prompt (text by line, chat by message, settings as JSON). */
export function useVersionDiff(organizationId: string, projectId: string, key: string, from: number, to: number, enabled = true) {
  return useQuery({
    queryKey: [...promptKeyOf(organizationId, projectId, key), { diff: [from, to] }],
    queryFn: ({ signal }) => apiFetch<VersionDiff>(`${promptPath(organizationId, projectId, key)}/diff?from=${from}&to=${to}`, { signal }),
    enabled,
    // Versions never change, so neither does their diff; keep the last one on screen while the next loads.
    staleTime: Infinity,
    placeholderData: keepPreviousData,
  });
}

/** The labels pointing at a version, `production` first and `latest` last. */
export function labelsOf(prompt: PromptSummary, version: number): string[] {
  const rank = (label: string) => (label === PRODUCTION ? 0 : label === 'latest' ? 2 : 1);
  return Object.entries(prompt.labels)
    .filter(([, target]) => target === version)
    .map(([label]) => label)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
