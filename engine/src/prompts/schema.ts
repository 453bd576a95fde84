import { z } from 'zod';
import { displayName, text } from '../http/fields.js';
import { metadataFields } from '../data/prompts.js';
import { promotionRequestView } from './promotion-views.js';

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

/** A version number sent in a query string: refused by name beyond what label moves allow (PostgreSQL's integer holds it). */
export const versionQueryParam = z.coerce.number().int().min(1).max(1_000_000_000, 'at most 1000000000');

export const resolveQuery = z.object({
  label: labelName.optional(),
  version: versionQueryParam.optional(),
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
  version: z.int().min(1),
  labels: z.array(z.string()).describe('The labels pointing at this version (including `latest`)'),
  template: z.string().nullable().describe('A text prompt\'s body; null for chat prompts'),
  messages: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).nullable().describe('A chat prompt\'s body; null for text prompts'),
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
  labels: z.record(z.string(), z.int()).describe('label → version number'),
  latestVersion: z.int().nullable(),
  updatedAt: z.date(),
});

export const promptPageView = z.object({
  prompts: z.array(promptSummaryView),
  nextCursor: z.string().nullable().describe('Send as `cursor` for the next page; null on the last page'),
});

export const savedPromptView = z.object({
  created: z.boolean().describe('Whether this call created the prompt'),
  prompt: promptSummaryView,
  version: resolvedPromptView.nullable().describe('The version this call added, if it sent a template or messages'),
  promotionRequests: z.array(promotionRequestView).describe('Protected labels this save asked for: they await an admin and did not move'),
});

export const snapshotView = z.object({ projectId: z.uuid(), prompts: z.array(resolvedPromptView).describe('Every labelled version') });

/*
 * The original API's views (see compat-routes.ts): times are milliseconds since the epoch, and empty
 * values are left out rather than sent as null.
 */
const epochMs = z.int().describe('Milliseconds since the epoch');
const compatMetadata = Object.fromEntries(metadataFields.map((field) => [field, z.string().optional()])) as Record<(typeof metadataFields)[number], z.ZodOptional<z.ZodString>>;
const compatSuccess = z.literal(true);

export const compatPromptView = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().optional(),
  versionNumber: z.int().min(0).describe('The deployed version (0 when none is)'),
  systemPrompt: z.string().describe('The template (chat prompts: the messages joined); "" when no version is deployed'),
  updatedAt: epochMs,
  ...compatMetadata,
});

export const compatCreatedView = z.object({
  success: compatSuccess,
  promptId: z.uuid(),
  key: z.string(),
  versionId: z.uuid().optional().describe('With systemPrompt: version 1, deployed'),
  versionNumber: z.int().optional(),
});
export const compatUpdatedView = z.object({ success: compatSuccess, promptId: z.uuid() });
export const compatDeletedView = z.object({ success: compatSuccess });
export const compatVersionCreatedView = z.object({ success: compatSuccess, versionId: z.uuid(), versionNumber: z.int().min(1) });
export const compatSyncView = z.object({ projectId: z.uuid(), syncedAt: epochMs, prompts: z.array(compatPromptView) });

const compatVersionView = z.object({ versionNumber: z.int().min(1), systemPrompt: z.string(), description: z.string().optional(), updatedAt: epochMs });
/** The original's tool shape; this engine has no tools yet and sends `[]`. */
const compatToolView = z.object({ name: z.string(), description: z.string().nullable(), parameters: z.unknown(), isRequired: z.boolean(), usageNotes: z.string().nullable() });
export const compatDeployView = z.object({
  project: z.object({ id: z.uuid(), name: z.string(), slug: z.string() }),
  prompts: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      description: z.string().optional(),
      activeVersion: compatVersionView.nullable().describe('The deployed (production) version'),
      versions: z.array(compatVersionView).describe('Newest first'),
      tools: z.array(compatToolView),
      ...compatMetadata,
    }),
  ),
  deployedAt: epochMs,
});
export const compatValidateView = z.object({
  valid: compatSuccess,
  project: z.object({ projectId: z.uuid(), projectName: z.string(), projectSlug: z.string(), orgId: z.uuid(), orgName: z.string() }),
});
