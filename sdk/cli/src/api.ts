import { promptMetadataFields } from '@forprompt/sdk';
import { z } from 'zod';
import type { ApiClient } from './http.js';
import { parseAnswer } from './http.js';

/** The engine's answers the CLI reads (see the engine's /api/openapi.json); unknown fields are ignored. */
export const metadataFields = promptMetadataFields;
export type MetadataField = (typeof metadataFields)[number];

export const promptKeyPattern = /^[A-Za-z0-9._-]{1,128}$/;

const chatMessage = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
export type ChatMessage = z.infer<typeof chatMessage>;

export const resolvedPrompt = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(['text', 'chat']),
  version: z.number().int(),
  labels: z.array(z.string()),
  template: z.string().nullable(),
  messages: z.array(chatMessage).nullable(),
  config: z.record(z.string(), z.unknown()),
  variables: z.array(z.string()),
  commitMessage: z.string().nullable(),
  updatedAt: z.string(),
});
export type ResolvedPrompt = z.infer<typeof resolvedPrompt>;

export const promptSummary = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(['text', 'chat']),
  tags: z.array(z.string()),
  labels: z.record(z.string(), z.number().int()),
  latestVersion: z.number().int().nullable(),
  updatedAt: z.string(),
});
export type PromptSummary = z.infer<typeof promptSummary>;

const promotionRequest = z.object({ label: z.string() });
const savedPrompt = z.object({ created: z.boolean(), prompt: promptSummary, version: resolvedPrompt.nullable(), promotionRequests: z.array(promotionRequest) });
const labelsMoved = promptSummary.extend({ promotionRequests: z.array(promotionRequest) });
export const snapshot = z.object({ projectId: z.string(), prompts: z.array(resolvedPrompt) });
export type Snapshot = z.infer<typeof snapshot>;
const project = z.object({ id: z.string(), name: z.string(), slug: z.string() });

const optionalText = z.string().optional();
const metadataShape = Object.fromEntries(metadataFields.map((field) => [field, optionalText])) as Record<MetadataField, typeof optionalText>;
/** The original API's prompt (GET /api/sync): the deployed version's text and the metadata. */
const compatPrompt = z.object({ key: z.string(), name: z.string(), description: optionalText, versionNumber: z.number().int(), systemPrompt: z.string(), updatedAt: z.number(), ...metadataShape });
export type CompatPrompt = z.infer<typeof compatPrompt>;
const compatVersion = z.object({ versionNumber: z.number().int(), systemPrompt: z.string(), description: optionalText, updatedAt: z.number() });
export type CompatVersion = z.infer<typeof compatVersion>;
const deployView = z.object({
  project,
  prompts: z.array(z.object({ key: z.string(), name: z.string(), description: optionalText, activeVersion: compatVersion.nullable(), versions: z.array(compatVersion), tools: z.array(z.unknown()), ...metadataShape })),
  deployedAt: z.number(),
});
export type DeployView = z.infer<typeof deployView>;
export type DeployedPrompt = DeployView['prompts'][number];

/** A body for POST /api/v1/prompts (create a prompt, add a version, or update its details). */
export interface SavePromptBody extends Partial<Record<MetadataField, string>> {
  key: string;
  name?: string;
  description?: string;
  type?: 'text' | 'chat';
  tags?: string[];
  template?: string;
  messages?: ChatMessage[];
  config?: Record<string, unknown>;
  commitMessage?: string;
  labels?: string[];
}

const keyPath = (key: string) => `/api/v1/prompts/${encodeURIComponent(key)}`;

export function getProject(api: ApiClient) {
  return api.json('GET', '/api/v1/project', project);
}

export function validateKey(api: ApiClient) {
  return api.json('GET', '/api/cli/validate', z.object({ valid: z.boolean(), project: z.object({ projectName: z.string(), projectSlug: z.string(), orgName: z.string() }) }));
}

/** The snapshot as the engine sent it (`raw`, written to disk unchanged) and as the CLI reads it. */
export async function getSnapshot(api: ApiClient): Promise<{ raw: Record<string, unknown>; snapshot: Snapshot }> {
  const { body } = await api.request('GET', '/api/v1/snapshot');
  return { raw: body as Record<string, unknown>, snapshot: parseAnswer(snapshot, body, 'GET /api/v1/snapshot') };
}

export function resolvePrompt(api: ApiClient, key: string, selector: { label?: string | undefined; version?: number | undefined } = {}) {
  return api.json('GET', keyPath(key), resolvedPrompt, { query: selector });
}

/** Every prompt of the project, following the pages. */
export async function listPrompts(api: ApiClient, filter: { tag?: string | undefined; label?: string | undefined } = {}): Promise<PromptSummary[]> {
  const page = z.object({ prompts: z.array(promptSummary), nextCursor: z.string().nullable() });
  const prompts: PromptSummary[] = [];
  let cursor: string | undefined;
  do {
    const answer = await api.json('GET', '/api/v1/prompts', page, { query: { limit: 200, cursor, ...filter } });
    prompts.push(...answer.prompts);
    cursor = answer.nextCursor ?? undefined;
  } while (cursor);
  return prompts;
}

export function savePrompt(api: ApiClient, body: SavePromptBody, idempotencyKey: string) {
  return api.json('POST', '/api/v1/prompts', savedPrompt, { body, headers: { 'Idempotency-Key': idempotencyKey } });
}

export function moveLabels(api: ApiClient, key: string, labels: Record<string, number>) {
  return api.json('PATCH', `${keyPath(key)}/labels`, labelsMoved, { body: { labels } });
}

export function getDeployView(api: ApiClient) {
  return api.json('GET', '/api/cli/deploy', deployView);
}

/** The original API's sync: every prompt with its metadata and deployed text (versionNumber 0 when none). */
export async function syncPrompts(api: ApiClient): Promise<CompatPrompt[]> {
  return (await api.json('GET', '/api/sync', z.object({ prompts: z.array(compatPrompt) }))).prompts;
}

/** The original API's writes, which the original MCP tools used (a version with systemPrompt is deployed). */
export function compatCreatePrompt(api: ApiClient, body: { key: string; name: string; description?: string | undefined; systemPrompt?: string | undefined }) {
  return api.json('POST', '/api/prompts', z.object({ key: z.string(), versionNumber: z.number().int().optional() }), { body });
}

export function compatUpdatePrompt(api: ApiClient, body: { key: string } & Record<string, string | undefined>) {
  return api.json('PUT', '/api/prompts', z.object({ success: z.boolean() }), { body });
}

export function compatCreateVersion(api: ApiClient, body: { key: string; systemPrompt: string; description?: string | undefined; setAsActive?: boolean | undefined }) {
  return api.json('POST', '/api/prompts/versions', z.object({ versionNumber: z.number().int() }), { body });
}
