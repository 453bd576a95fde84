import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages/messages';
import { callWithDeadline, listWithFallback, streamWithDeadline, type ToTypedError } from './calls.js';
import { finishReasonOf, systemPromptOf } from './request.js';
import { CallDeadline, deadlineFetch, MAX_RETRIES, sdkError } from './transport.js';
import type { AiProvider, ChatRequest, ModelInfo, ProviderOptions, ProviderSettings, TokenUsage } from './types.js';

/** Anthropic requires max_tokens; this is what a call gets when it names none. */
const DEFAULT_MAX_TOKENS = 4096;

interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** Anthropic's Messages API through `@anthropic-ai/sdk`, text and extended thinking. */
export function anthropicProvider(settings: ProviderSettings, options: Pick<ProviderOptions, 'timeoutMs'>): AiProvider {
  const clientFor = (deadline: CallDeadline) =>
    new Anthropic({
      baseURL: settings.baseUrl,
      apiKey: settings.apiKey,
      // Explicit null: the package would otherwise read ANTHROPIC_AUTH_TOKEN from the environment.
      authToken: null,
      maxRetries: MAX_RETRIES,
      timeout: deadline.timeoutMs + 1000,
      fetch: deadlineFetch(deadline),
      logLevel: 'off',
    });

  const bodyOf = (request: ChatRequest, model: string): MessageCreateParamsBase => {
    const system = systemPromptOf(request);
    const maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;
    const body: MessageCreateParamsBase = { model, messages: request.messages, max_tokens: maxTokens };
    if (system) body.system = system;
    // No temperature: API version 2026-10-21 (the package's) deprecates sampling parameters.
    if (request.thinking) {
      // Thinking counts toward max_tokens.
      const budget = Math.max(1024, request.thinking.budgetTokens);
      body.thinking = { type: 'enabled', budget_tokens: budget };
      body.max_tokens = maxTokens + budget;
    }
    return body;
  };

  const toTyped: ToTypedError = (error, deadline) => sdkError('anthropic', error, deadline, settings);

  const provider: AiProvider = {
    name: 'anthropic',
    defaultModel: settings.defaultModel,

    chat: (request) =>
      callWithDeadline(provider, request, options.timeoutMs, toTyped, async (deadline, model) => {
        const message = await clientFor(deadline).messages.create({ ...bodyOf(request, model), stream: false }, { signal: deadline.signal });
        const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
        return { text, model: message.model || model, usage: usageOf(message.usage), finishReason: finishReasonOf(message.stop_reason) };
      }),

    chatStream: (request) =>
      streamWithDeadline(
        provider,
        request,
        options.timeoutMs,
        toTyped,
        (deadline, model) => clientFor(deadline).messages.create({ ...bodyOf(request, model), stream: true }, { signal: deadline.signal }),
        function* (event, result) {
          if (event.type === 'message_start') {
            result.model = event.message.model || result.model;
            result.usage = usageOf(event.message.usage);
          } else if (event.type === 'content_block_delta') {
            if (event.delta.type === 'thinking_delta') yield { type: 'thinking', text: event.delta.thinking };
            if (event.delta.type === 'text_delta') yield { type: 'content', text: event.delta.text };
          } else if (event.type === 'message_delta') {
            // Totals so far: output tokens always, input tokens when the server restates them.
            const usage = usageOf(event.usage);
            result.usage = { inputTokens: usage.inputTokens || result.usage.inputTokens, outputTokens: usage.outputTokens };
            if (event.delta.stop_reason) result.finishReason = finishReasonOf(event.delta.stop_reason);
          }
        },
      ),

    listModels: (listOptions = {}) =>
      listWithFallback(provider, listOptions, options.timeoutMs, toTyped, async (deadline) => {
        const models: ModelInfo[] = [];
        for await (const model of clientFor(deadline).models.list({ limit: 100 }, { signal: deadline.signal })) {
          const described = model as typeof model & { max_input_tokens?: number | null };
          models.push({ id: model.id, name: model.display_name, ...(described.max_input_tokens && { contextLength: described.max_input_tokens }) });
          if (models.length >= 1000) break;
        }
        return models;
      }),
  };
  return provider;
}

/** Input tokens include the cached ones (written or read): all of them were sent. */
function usageOf(usage: AnthropicUsage | null | undefined): TokenUsage {
  const input = (usage?.input_tokens ?? 0) + (usage?.cache_creation_input_tokens ?? 0) + (usage?.cache_read_input_tokens ?? 0);
  return { inputTokens: input, outputTokens: usage?.output_tokens ?? 0 };
}
