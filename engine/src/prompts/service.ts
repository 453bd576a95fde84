import { createHash } from 'node:crypto';
import { parseTemplate, TemplateSyntaxError, type ParsedTemplate } from '@forprompt/sdk';
import type { z } from 'zod';
import { AppError, NotFoundError, ValidationError } from '../errors.js';
import type { Services } from '../http/services.js';
import type { WriteContext } from '../data/provider.js';
import type { ChatMessage, PromotionRequest, PromptSummary, ResolvedPrompt, VersionInput } from '../data/prompts.js';
import { metadataFields } from '../data/prompts.js';
import type { resolvedPromptView, savePromptBody } from './schema.js';

/** Parses a template, turning a syntax error into a 400 naming the field and the position. */
function parseAt(path: string, source: string): ParsedTemplate {
  try {
    return parseTemplate(source);
  } catch (error) {
    if (error instanceof TemplateSyntaxError) {
      throw new ValidationError(`Malformed template in ${path}: ${error.message}`, [{ path, message: error.message }], 'template_syntax');
    }
    throw error;
  }
}

/** The version to store: its body, and the variables its placeholders name. */
export function versionFrom(
  body: { template?: string | null; messages?: ChatMessage[] | null; config?: Record<string, unknown>; commitMessage?: string | null; labels?: string[] },
  at = 'body',
): VersionInput {
  const variables = new Set<string>();
  if (body.template !== undefined && body.template !== null) for (const name of parseAt(`${at}.template`, body.template).variables) variables.add(name);
  body.messages?.forEach((message, index) => {
    for (const name of parseAt(`${at}.messages.${index}.content`, message.content).variables) variables.add(name);
  });
  return { template: body.template ?? null, messages: body.messages ?? null, config: body.config ?? {}, commitMessage: body.commitMessage ?? null, variables: [...variables], labels: body.labels };
}

export function toResolvedView(resolved: ResolvedPrompt): z.infer<typeof resolvedPromptView> {
  const { prompt, version } = resolved;
  return {
    key: prompt.key,
    name: prompt.name,
    description: prompt.description,
    type: prompt.kind,
    version: version.version,
    labels: [...resolved.labels].sort(),
    template: version.template,
    messages: version.messages,
    config: version.config,
    variables: version.variables,
    tools: [],
    commitMessage: version.commitMessage,
    updatedAt: prompt.updatedAt,
  };
}

export function toSummaryView(prompt: PromptSummary) {
  return { key: prompt.key, name: prompt.name, description: prompt.description, type: prompt.kind, tags: prompt.tags, labels: prompt.labels, latestVersion: prompt.latestVersion, updatedAt: prompt.updatedAt };
}

/** A strong ETag over the exact response body. */
export function etagOf(body: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
}

/**
 * Saves through the public API: the first call with a key creates the prompt (with version 1 when a
 * template or messages come with it); later calls add a version. Metadata fields update the prompt.
 */
export async function savePrompt(
  services: Services,
  ctx: WriteContext,
  projectId: string,
  body: z.infer<typeof savePromptBody>,
  mayMoveProtected = false,
): Promise<{ created: boolean; resolved: ResolvedPrompt | null; prompt: PromptSummary; promotionRequests: PromotionRequest[] }> {
  const { prompts } = services.provider;
  const hasBody = body.template !== undefined || body.messages !== undefined;
  const version = hasBody ? { ...versionFrom(body), mayMoveProtected } : null;
  const metadata = Object.fromEntries(metadataFields.filter((field) => body[field] !== undefined).map((field) => [field, body[field]]));
  let existing = await prompts.get(projectId, body.key);
  if (!existing) {
    const type = body.type ?? (body.messages ? 'chat' : 'text');
    try {
      const prompt = await prompts.create(ctx, projectId, { key: body.key, name: body.name ?? body.key, description: body.description ?? null, kind: type, tags: body.tags, ...metadata }, version ?? undefined);
      const resolved = version ? await prompts.resolve(projectId, body.key, { version: 1 }) : null;
      const { promotionRequests, ...summary } = prompt;
      return { created: true, resolved, prompt: summary, promotionRequests };
    } catch (error) {
      // Another request created it first: this save becomes its next version.
      if (!(error instanceof AppError && error.code === 'prompt_key_taken')) throw error;
      existing = (await prompts.get(projectId, body.key))!;
    }
  }
  // Every check before the first write, so a refused save changes nothing.
  if (body.type && body.type !== existing.kind) {
    throw new ValidationError(`Prompt "${body.key}" is a ${existing.kind} prompt`, [{ path: 'body.type', message: `is ${existing.kind}` }], 'prompt_type_mismatch');
  }
  if (version) assertBodyFits(existing.kind, version);
  const patch = { ...metadata, ...(body.name !== undefined && { name: body.name }), ...(body.description !== undefined && { description: body.description }), ...(body.tags && { tags: body.tags }) };
  let prompt = Object.keys(patch).length > 0 ? await prompts.update(ctx, projectId, body.key, patch) : existing;
  const saved = version ? await prompts.createVersion(ctx, projectId, body.key, version) : null;
  if (saved) prompt = saved.prompt;
  return { created: false, resolved: saved, prompt, promotionRequests: saved?.promotionRequests ?? [] };
}

/** A text prompt's versions carry a template, a chat prompt's carry messages. */
export function assertBodyFits(kind: 'text' | 'chat', version: VersionInput): void {
  if (kind === 'text' && version.messages) throw new ValidationError('A text prompt takes a template', [{ path: 'body.messages', message: 'use template' }], 'prompt_type_mismatch');
  if (kind === 'chat' && version.template !== null) throw new ValidationError('A chat prompt takes messages', [{ path: 'body.template', message: 'use messages' }], 'prompt_type_mismatch');
}

/** The project's prompt with this key, or 404 `prompt_not_found`. */
export async function requirePrompt(services: Services, projectId: string, key: string): Promise<PromptSummary> {
  const prompt = await services.provider.prompts.get(projectId, key);
  if (!prompt) throw new NotFoundError(`Prompt "${key}"`, 'prompt_not_found');
  return prompt;
}

export async function resolveOrThrow(services: Services, projectId: string, key: string, selector: { label: string } | { version: number }): Promise<ResolvedPrompt> {
  const resolved = await services.promptCache.resolve(projectId, key, selector);
  if (resolved) return resolved;
  await requirePrompt(services, projectId, key);
  throw 'version' in selector
    ? new NotFoundError(`Version ${selector.version} of prompt "${key}"`, 'version_not_found')
    : new AppError(404, 'label_not_found', `Prompt "${key}" has no version labelled "${selector.label}"`);
}
