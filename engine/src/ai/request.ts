import { AiProviderError } from './errors.js';
import type { AiProvider, ChatRequest, FinishReason } from './types.js';

/** Added to the system prompt of every JSON request: the one instruction that works with every provider. */
export const JSON_INSTRUCTION = 'Reply with a single JSON object and nothing else: no prose before or after it, no code fences.';

export function systemPromptOf(request: ChatRequest): string | undefined {
  if (request.responseFormat !== 'json') return request.system;
  return request.system ? `${request.system}\n\n${JSON_INSTRUCTION}` : JSON_INSTRUCTION;
}

/** The model asked for, else the provider's default, else (a custom server without AI_MODEL) the first it lists. */
export async function modelFor(provider: AiProvider, request: ChatRequest): Promise<string> {
  const chosen = request.model ?? provider.defaultModel;
  if (chosen) return chosen;
  const listed = await provider.listModels({ signal: request.signal, timeoutMs: request.timeoutMs });
  const first = listed.source === 'provider' ? listed.models[0]?.id : undefined;
  if (first) return first;
  throw new AiProviderError(provider.name, 'ai_model_required', `${provider.name}: no model was given and the server lists none`, null, 'Set AI_MODEL, or pass a model.');
}

/** Maps each provider's stop reasons onto ours. */
export function finishReasonOf(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'length':
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'content_filter':
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}
