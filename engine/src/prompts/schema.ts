import { z } from 'zod';
import { displayName, text } from '../http/fields.js';
import { metadataFields } from '../data/prompts.js';

export const promptKey = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'letters, digits, ".", "_" or "-", at most 128');
export const labelName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-", at most 64');
/** A label a client may move (`latest` always follows the newest version by itself). */
export const movableLabel = labelName.refine((label) => label !== 'latest', '"latest" always points at the newest version and cannot be moved');
/** Model settings: any JSON object PostgreSQL can store (no NUL characters), at most 64 KB. */
export const promptConfig = z
  .record(z.string(), z.unknown())
  .refine((config) => !JSON.stringify(config).includes('\\u0000'), 'must not contain NUL characters')
  .refine((config) => JSON.stringify(config).length <= 65_536, 'at most 64 KB');
const tag = z.string().trim().min(1).max(50).refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

export const chatMessage = z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: text(100_000) });

export const metadataShape = Object.fromEntries(metadataFields.map((field) => [field, text(20_000).nullable().optional()])) as Record<
  (typeof metadataFields)[number],
  z.ZodOptional<z.ZodNullable<ReturnType<typeof text>>>
>;

/** Create a prompt (first call with a key) or add a version to it (later calls). */
export const savePromptBody = z
  .strictObject({
    key: promptKey,
    name: displayName.optional(),
    description: text(2000).nullable().optional(),
    type: z.enum(['text', 'chat']).optional(),
    tags: z.array(tag).max(20).optional(),
    template: text(200_000).optional(),
    messages: z.array(chatMessage).min(1).max(200).optional(),
    config: promptConfig.optional(),
    commitMessage: text(500).nullable().optional(),
    labels: z.array(movableLabel).max(20).optional(),
    ...metadataShape,
  })
  .refine((body) => !(body.template !== undefined && body.messages !== undefined), { message: 'send either template (text prompts) or messages (chat prompts)', path: ['messages'] })
  .refine((body) => !(body.type === 'text' && body.messages !== undefined), { message: 'a text prompt takes a template', path: ['messages'] })
  .refine((body) => !(body.type === 'chat' && body.template !== undefined), { message: 'a chat prompt takes messages', path: ['template'] })
  .refine((body) => !(body.labels?.length && body.template === undefined && body.messages === undefined), {
    message: 'labels go with a new version (send template or messages); to move labels use PATCH …/labels',
    path: ['labels'],
  });

export const moveLabelsBody = z.strictObject({
  labels: z.record(movableLabel, z.number().int().min(1).max(1_000_000_000)).refine((labels) => Object.keys(labels).length > 0, 'name at least one label'),
});

export const resolveQuery = z.object({
  label: labelName.optional(),
  version: z.coerce.number().int().min(1).optional(),
}).refine((query) => !(query.label && query.version), { message: 'ask for a label or a version, not both', path: ['version'] });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: promptKey.optional(),
  tag: tag.optional(),
  label: labelName.optional(),
});

export const resolvedPromptView = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(['text', 'chat']),
  version: z.number().int(),
  labels: z.array(z.string()),
  template: z.string().nullable(),
  messages: z.array(z.object({ role: z.string(), content: z.string() })).nullable(),
  config: z.record(z.string(), z.unknown()),
  variables: z.array(z.string()),
  tools: z.array(z.unknown()),
  commitMessage: z.string().nullable(),
  updatedAt: z.date(),
});

export const promptSummaryView = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.enum(['text', 'chat']),
  tags: z.array(z.string()),
  labels: z.record(z.string(), z.number()),
  latestVersion: z.number().nullable(),
  updatedAt: z.date(),
});
