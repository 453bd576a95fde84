import { z } from 'zod';
import { AiOutputError } from './errors.js';
import type { AiProvider, ChatRequest, ChatResult, TokenUsage } from './types.js';

export interface GeneratedObject<T> {
  object: T;
  /** The model that gave the accepted reply. */
  model: string;
  /** Both attempts' tokens, when there were two. */
  usage: TokenUsage;
  attempts: 1 | 2;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** The most issues sent back to the model or put in the error. */
const MAX_ISSUES = 20;

/**
 * Asks for JSON matching `schema` and validates the reply. An invalid reply (not JSON, or the wrong
 * shape) gets ONE repair attempt that sends the problems back; a second invalid reply throws
 * AiOutputError (502 `ai_invalid_output`) — never a made-up value. The schema is described to the
 * model as JSON Schema after the caller's system prompt.
 */
export async function generateObject<T>(provider: AiProvider, schema: z.ZodType<T>, request: ChatRequest): Promise<GeneratedObject<T>> {
  const asked: ChatRequest = { ...request, responseFormat: 'json', system: withSchema(request.system, schema) };
  const first = await provider.chat(asked);
  const firstParsed = parseReply(first, schema);
  if (firstParsed.ok) return { object: firstParsed.value, model: first.model, usage: first.usage, attempts: 1 };

  const repair = await provider.chat({
    ...asked,
    messages: [...request.messages, { role: 'assistant', content: first.text }, { role: 'user', content: repairInstruction(firstParsed.issues, first) }],
  });
  const usage = { inputTokens: first.usage.inputTokens + repair.usage.inputTokens, outputTokens: first.usage.outputTokens + repair.usage.outputTokens };
  const repaired = parseReply(repair, schema);
  if (repaired.ok) return { object: repaired.value, model: repair.model, usage, attempts: 2 };
  throw new AiOutputError(`The model's reply did not match the expected shape, also after one repair attempt: ${repaired.issues.slice(0, 3).join('; ')}`, repaired.issues, 2);
}

/** The JSON value in a reply: bare, in a code fence, or between prose (the outermost braces). */
export function extractJson(text: string): { ok: true; value: unknown } | { ok: false; issue: string } {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(trimmed)?.[1];
  const candidates = [fenced ?? trimmed];
  const start = trimmed.search(/[[{]/);
  const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'));
  if (start >= 0 && end > start) candidates.push(trimmed.slice(start, end + 1));
  let problem = 'the reply is empty';
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch (error) {
      problem = `the reply is not valid JSON (${(error as Error).message})`;
    }
  }
  return { ok: false, issue: problem };
}

/** The reply's JSON checked against `schema`: the value, or the problems to send back in a repair. */
export function parseReply<T>(result: Pick<ChatResult, 'text'>, schema: z.ZodType<T>): Parsed<T> {
  const json = extractJson(result.text);
  if (!json.ok) return { ok: false, issues: [json.issue] };
  const validated = schema.safeParse(json.value);
  if (validated.success) return { ok: true, value: validated.data };
  const issues = validated.error.issues.slice(0, MAX_ISSUES).map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(the whole reply)'}: ${issue.message}`);
  return { ok: false, issues };
}

/** The user turn of a repair attempt: what was wrong with the reply. */
export function repairInstruction(issues: string[], result: Pick<ChatResult, 'finishReason'>): string {
  const cutOff = result.finishReason === 'length' ? '\nYour reply was cut off at the token limit: make it shorter.' : '';
  return `Your reply could not be used:\n${issues.map((issue) => `- ${issue}`).join('\n')}${cutOff}\nReply again with the corrected JSON object only.`;
}

/** The caller's system prompt followed by the JSON Schema the reply must match. */
export function withSchema(system: string | undefined, schema: z.ZodType): string {
  const jsonSchema = JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
  const shape = `The JSON object must match this JSON Schema: ${jsonSchema}`;
  return system ? `${system}\n\n${shape}` : shape;
}
