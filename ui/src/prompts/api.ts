import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../app/api';

export type PromptKind = 'text' | 'chat';
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** A prompt as the list and the prompt page show it (engine/src/data/prompts.ts PromptSummary). */
export interface PromptSummary {
  key: string;
  name: string;
  description: string | null;
  kind: PromptKind;
  tags: string[];
  /** label → version number; `latest` is always the newest version. */
  labels: Record<string, number>;
  latestVersion: number | null;
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

export const promptsKey = (organizationId: string, projectId: string) => ['orgs', organizationId, 'projects', projectId, 'prompts'] as const;
export const promptKeyOf = (organizationId: string, projectId: string, key: string) => [...promptsKey(organizationId, projectId), key] as const;
export const promptsPath = (organizationId: string, projectId: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}/prompts`;
export const promptPath = (organizationId: string, projectId: string, key: string) => `${promptsPath(organizationId, projectId)}/${encodeURIComponent(key)}`;

// The list page shows one page of the engine's maximum size; search filters it in the browser.
const LIST_LIMIT = 200;

export function usePromptList(organizationId: string, projectId: string) {
  return useQuery({
    queryKey: promptsKey(organizationId, projectId),
    queryFn: ({ signal }) =>
      apiFetch<{ prompts: PromptSummary[]; nextCursor: string | null }>(`${promptsPath(organizationId, projectId)}?limit=${LIST_LIMIT}`, { signal }),
  });
}

export function usePromptDetail(organizationId: string, projectId: string, key: string) {
  return useQuery({
    queryKey: promptKeyOf(organizationId, projectId, key),
    queryFn: ({ signal }) => apiFetch<PromptDetail>(promptPath(organizationId, projectId, key), { signal }),
  });
}

/** A version as plain lines for diffs: the template, or each chat message under its role. */
export function versionText(version: PromptVersion): string {
  if (version.messages) return version.messages.map((message) => `[${message.role}]\n${message.content}`).join('\n\n');
  return version.template ?? '';
}

/** The labels pointing at a version, `production` first and `latest` last. */
export function labelsOf(prompt: PromptSummary, version: number): string[] {
  const rank = (label: string) => (label === PRODUCTION ? 0 : label === 'latest' ? 2 : 1);
  return Object.entries(prompt.labels)
    .filter(([, target]) => target === version)
    .map(([label]) => label)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
