import { anthropicProvider } from './anthropic.js';
import { ollamaProvider } from './ollama.js';
import { openAiCompatibleProvider } from './openai-compatible.js';
import type { AiProvider, ProviderOptions, ProviderSettings } from './types.js';

export type { ProviderOptions };

/** The adapter for a provider: OpenAI, OpenRouter and custom servers share the `openai` package. */
export function createAiProvider(settings: ProviderSettings, options: ProviderOptions): AiProvider {
  switch (settings.name) {
    case 'anthropic':
      return anthropicProvider(settings, options);
    case 'ollama':
      return ollamaProvider(settings, options);
    case 'openai':
    case 'openrouter':
    case 'custom':
      return openAiCompatibleProvider(settings, options);
  }
}
