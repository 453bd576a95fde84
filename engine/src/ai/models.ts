import type { AppError } from '../errors.js';
import type { AiProviderName, ModelInfo } from './types.js';

/**
 * Built-in default models (AI_MODEL overrides the instance provider's; OLLAMA_MODEL is Ollama's):
 * current, inexpensive models named as the installed `openai` and `@anthropic-ai/sdk` packages list them.
 */
export const DEFAULT_MODELS: Record<Exclude<AiProviderName, 'ollama' | 'custom'>, string> = {
  openrouter: 'openai/gpt-5.4-mini',
  openai: 'gpt-5.4-mini',
  anthropic: 'claude-sonnet-5-5',
};

/** Shown when a provider's model list cannot be read (offline, a gateway without /models, a key without the right): its usual models. */
const FALLBACK_MODELS: Record<AiProviderName, string[]> = {
  openrouter: ['openai/gpt-5.4-mini', 'openai/gpt-5.4', 'openai/gpt-5.4-nano', 'openai/gpt-4.1-mini'],
  openai: ['gpt-5.4-mini', 'gpt-5.4', 'gpt-5.4-nano', 'gpt-4.1-mini', 'gpt-4.1'],
  anthropic: ['claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-opus-5-5'],
  ollama: [],
  custom: [],
};

/** The fallback list, with the provider's default model first. */
export function fallbackModels(provider: AiProviderName, defaultModel: string | null): ModelInfo[] {
  const ids = [...new Set([...(defaultModel ? [defaultModel] : []), ...FALLBACK_MODELS[provider]])];
  return ids.map((id) => ({ id }));
}

/**
 * Whether a failed model listing shows the fallback list: yes when the list is merely unavailable
 * (no such endpoint, server down or slow); no when the key was refused or the caller cancelled —
 * a list would hide the problem.
 */
export function fallsBack(failure: AppError): boolean {
  return failure.code !== 'ai_provider_auth_failed' && failure.code !== 'ai_cancelled';
}
