import { aiInstructions } from '../ai/instructions.js';
import { parseReply, repairInstruction, withSchema } from '../ai/structured.js';
import type { AiProvider, ChatMessage, ChatRequest } from '../ai/types.js';
import { AppError } from '../errors.js';
import { diffText, type TextDiff } from '../prompts/diff.js';
import type { Services } from '../http/services.js';
import { editReply, type EditReply, type EditSelection, type EditTurn } from './schema.js';

export interface EditInput {
  instruction: string;
  currentPrompt: string;
  selection?: EditSelection;
  history: EditTurn[];
  model?: string;
}

/** What an edit stream yields: the model's deltas, then one reply or one error. */
export type EditEvent =
  | { type: 'thinking'; text: string }
  | { type: 'content'; text: string }
  | { type: 'reply'; reply: EditReply; proposedPrompt: string | null; diff: TextDiff | null; model: string; repaired: boolean }
  | { type: 'error'; error: { code: string; message: string } };

/** Thinking the model may spend before its reply, where the provider supports it. */
const THINKING_BUDGET = 2048;

/** The organization's `forprompt.edit` instructions with the reply's JSON Schema: asked before the stream starts, so its errors are plain HTTP answers. */
export async function editSystemPrompt(services: Services, organizationId: string): Promise<string> {
  const instructions = await aiInstructions(services, organizationId, 'forprompt.edit');
  return withSchema(instructions.text, editReply);
}

/**
 * Streams an AI edit: thinking and content deltas as the model writes, then the reply validated with
 * zod. An invalid reply gets ONE non-streamed repair; still invalid, or a failing provider, ends the
 * stream with an error event — never a made-up reply. `signal` (the client went away) stops the call.
 */
export async function* streamEdit(provider: AiProvider, system: string, input: EditInput, signal?: AbortSignal): AsyncGenerator<EditEvent> {
  const request: ChatRequest = { model: input.model, system, responseFormat: 'json', messages: messagesOf(input), thinking: { budgetTokens: THINKING_BUDGET }, signal };
  try {
    let text = '';
    let done: { model: string; finishReason: 'stop' | 'length' | 'content_filter' | 'other' } | null = null;
    for await (const event of provider.chatStream(request)) {
      if (event.type === 'done') done = event;
      else {
        if (event.type === 'content') text += event.text;
        yield event;
      }
    }
    const first = parseReply({ text }, editReply);
    if (first.ok) {
      yield replyEvent(first.value, input, done?.model ?? input.model ?? provider.defaultModel ?? '', false);
      return;
    }
    const repair = await provider.chat({
      ...request,
      thinking: undefined,
      messages: [...request.messages, { role: 'assistant', content: text }, { role: 'user', content: repairInstruction(first.issues, { finishReason: done?.finishReason ?? 'other' }) }],
    });
    const repaired = parseReply(repair, editReply);
    if (repaired.ok) {
      yield replyEvent(repaired.value, input, repair.model, true);
      return;
    }
    yield { type: 'error', error: { code: 'ai_invalid_output', message: `The model's reply was not a valid edit, also after one repair attempt: ${repaired.issues.slice(0, 3).join('; ')}` } };
  } catch (error) {
    if (error instanceof AppError) yield { type: 'error', error: { code: error.code, message: error.message } };
    else yield { type: 'error', error: { code: 'internal_error', message: 'The AI edit failed' } };
  }
}

/**
 * The whole prompt an edit proposes: a global edit as given; a fragment in place of the selection
 * (at its offsets when they still hold it, else its first occurrence); null when the selection is gone.
 */
export function proposedPromptOf(reply: EditReply, currentPrompt: string, selection?: EditSelection): string | null {
  if (reply.responseType !== 'edit') return null;
  if (reply.editType === 'global' || !selection) return reply.editedPrompt;
  const { start, end } = selection;
  const at = start !== undefined && end !== undefined && currentPrompt.slice(start, end) === selection.text ? start : currentPrompt.indexOf(selection.text);
  if (at < 0) return null;
  return currentPrompt.slice(0, at) + reply.editedPrompt + currentPrompt.slice(at + selection.text.length);
}

/** The reply, with an edit's proposed prompt and its line diff (of the selection alone when it could not be placed). */
function replyEvent(reply: EditReply, input: EditInput, model: string, repaired: boolean): EditEvent {
  const proposedPrompt = proposedPromptOf(reply, input.currentPrompt, input.selection);
  let diff: TextDiff | null = null;
  if (proposedPrompt !== null) diff = diffText(input.currentPrompt, proposedPrompt);
  else if (reply.responseType === 'edit') diff = diffText(input.selection?.text ?? '', reply.editedPrompt);
  return { type: 'reply', reply, proposedPrompt, diff, model, repaired };
}

/** The earlier turns, then this turn: the prompt (and selection) as it stands now, and the instruction. */
function messagesOf(input: EditInput): ChatMessage[] {
  const parts = [`The current prompt:\n<prompt>\n${input.currentPrompt}\n</prompt>`];
  if (input.selection) parts.push(`The selected text (edit only this; reply with editType "fragment"):\n<selection>\n${input.selection.text}\n</selection>`);
  else parts.push('No text is selected: an edit is global (editedPrompt is the whole new prompt).');
  parts.push(`Instruction: ${input.instruction}`);
  return [...input.history, { role: 'user', content: parts.join('\n\n') }];
}
