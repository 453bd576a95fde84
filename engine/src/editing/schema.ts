import { z } from 'zod';
import { aiProviderName } from '../ai/schema.js';
import { text } from '../http/fields.js';
import { textDiff } from '../prompts/diff.js';

/** The longest prompt, selection or turn an AI edit accepts (characters). */
const MAX_PROMPT = 100_000;

/** The three replies of the original's AI edit (see ../shared/reference/original-product.md, "AI replies"). */
export const editReply = z.discriminatedUnion('responseType', [
  z.object({ responseType: z.literal('conversation'), message: z.string().trim().min(1) }),
  z.object({
    responseType: z.literal('edit'),
    editType: z.enum(['fragment', 'global']).describe('fragment: editedPrompt replaces the selected text; global: editedPrompt is the whole new prompt'),
    editedPrompt: z.string().min(1),
    explanation: z.string(),
  }),
  z.object({
    responseType: z.literal('interview'),
    question: z.string().trim().min(1),
    options: z.array(z.object({ label: z.string().trim().min(1).max(3), text: z.string().trim().min(1) })).min(2).max(6),
  }),
]);
export type EditReply = z.infer<typeof editReply>;

export const editTurn = z.strictObject({ role: z.enum(['user', 'assistant']), content: text(MAX_PROMPT) });
export type EditTurn = z.infer<typeof editTurn>;

/** The selected part of the prompt; the offsets place it when the same text occurs twice. */
export const editSelection = z.strictObject({
  text: text(MAX_PROMPT).min(1, 'required'),
  start: z.int().min(0).optional(),
  end: z.int().min(0).optional(),
});
export type EditSelection = z.infer<typeof editSelection>;

export const editParams = z.object({ orgId: z.uuid(), projectId: z.uuid() });

export const editBody = z.strictObject({
  instruction: text(20_000).trim().min(1, 'required'),
  currentPrompt: text(MAX_PROMPT),
  selection: editSelection.optional(),
  history: z.array(editTurn).max(50).default([]).describe('Earlier turns of this chat, oldest first'),
  provider: aiProviderName.optional().describe("The organization's provider (Settings › AI) when absent"),
  model: text(200).trim().min(1, 'required when given').optional().describe("The provider's default model when absent"),
});
export type EditBody = z.infer<typeof editBody>;

/** The original's `POST /api/edit-prompt/stream` body; `organizationId` picks the organization of a signed-in user in several. */
export const compatEditBody = z.object({
  currentPrompt: text(MAX_PROMPT),
  instruction: text(20_000).trim().min(1, 'required'),
  selection: z.union([text(MAX_PROMPT), editSelection]).nullish(),
  conversationHistory: z.array(z.object({ role: z.enum(['user', 'assistant']), content: text(MAX_PROMPT) })).max(50).nullish(),
  model: text(200).trim().min(1).nullish(),
  organizationId: z.uuid().optional(),
});

/** The final event: the validated reply and, for an edit, the whole prompt it proposes (null when a fragment's selection could not be found). */
export const editResultEvent = z.object({
  type: z.literal('reply'),
  reply: editReply,
  proposedPrompt: z.string().nullable(),
  diff: textDiff.nullable().describe("An edit's line diff: the current prompt against the proposed one"),
  model: z.string(),
  repaired: z.boolean(),
});

/** One event of the dashboard's edit stream (each `data:` line). */
export const editStreamEvent = z.union([
  z.object({ type: z.enum(['thinking', 'content']), text: z.string() }),
  editResultEvent,
  z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
]);

/** One event of the original's edit stream (each `data:` line; the last is the string `[DONE]`). */
export const compatEditStreamEvent = z.union([
  z.object({ type: z.enum(['thinking', 'content']), content: z.string() }),
  z.object({ type: z.literal('response'), response: editReply, proposedPrompt: z.string().nullable(), model: z.string() }),
  z.object({ type: z.literal('error'), content: z.string(), code: z.string() }),
]);

export const EDIT_STREAM_DESCRIPTION =
  'Server-sent events, each `data: {json}`: `{"type":"thinking","text"}` and `{"type":"content","text"}` deltas as the model writes, then exactly one of `{"type":"reply","reply","proposedPrompt","model","repaired"}` (the reply validated: conversation, edit or interview; an invalid reply is repaired once) or `{"type":"error","error":{"code","message"}}`.';

export type EditStreamEvent = z.infer<typeof editStreamEvent>;
