import OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { callWithDeadline, listWithFallback, streamWithDeadline, type ToTypedError } from './calls.js';
import { finishReasonOf, systemPromptOf } from './request.js';
import { CallDeadline, deadlineFetch, MAX_RETRIES, sdkError } from './transport.js';
import type { AiProvider, ChatRequest, ModelInfo, ProviderOptions, ProviderSettings, TokenUsage } from './types.js';

/** What OpenRouter and compatible servers add to a streamed delta: the model's reasoning. */
interface ReasoningDelta {
  reasoning?: string | null;
  reasoning_content?: string | null;
}

/**
 * OpenAI, OpenRouter and custom servers, through the official `openai` package. OpenRouter is the
 * same API at its base URL, with its attribution headers and its `reasoning` parameter.
 */
export function openAiCompatibleProvider(settings: ProviderSettings, options: ProviderOptions): AiProvider {
  const { name } = settings;

  /** A client per call: its fetch carries the call's deadline. Every option is explicit, so nothing is read from OPENAI_* variables. */
  const clientFor = (deadline: CallDeadline) =>
    new OpenAI({
      baseURL: settings.baseUrl,
      // A custom server may take no key: the package insists on one, so send none on the wire instead.
      apiKey: settings.apiKey ?? 'no-key',
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      maxRetries: MAX_RETRIES,
      // The deadline governs; the package's own per-attempt timer only backs it up.
      timeout: deadline.timeoutMs + 1000,
      fetch: deadlineFetch(deadline),
      defaultHeaders: {
        ...(settings.apiKey === null && { Authorization: null }),
        ...(name === 'openrouter' && { 'HTTP-Referer': options.appUrl, 'X-Title': 'ForPrompt' }),
      },
      logLevel: 'off',
    });

  const bodyOf = (request: ChatRequest, model: string): ChatCompletionCreateParamsBase => {
    const system = systemPromptOf(request);
    const messages: ChatCompletionMessageParam[] = [...(system ? [{ role: 'system' as const, content: system }] : []), ...request.messages];
    const body: ChatCompletionCreateParamsBase & { reasoning?: { max_tokens: number } } = { model, messages };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    // OpenAI's current models take max_completion_tokens only; OpenRouter and compatible servers know max_tokens.
    if (request.maxTokens !== undefined) {
      if (name === 'openai') body.max_completion_tokens = request.maxTokens;
      else body.max_tokens = request.maxTokens;
    }
    // Compatible servers differ in which response formats they accept (LM Studio refuses json_object): there, the instruction alone.
    if (request.responseFormat === 'json' && name !== 'custom') body.response_format = { type: 'json_object' };
    if (request.thinking && name === 'openrouter') body.reasoning = { max_tokens: request.thinking.budgetTokens };
    return body;
  };

  const toTyped: ToTypedError = (error, deadline) => sdkError(name, error, deadline, settings);

  const provider: AiProvider = {
    name,
    defaultModel: settings.defaultModel,

    chat: (request) =>
      callWithDeadline(provider, request, options.timeoutMs, toTyped, async (deadline, model) => {
        const completion = await clientFor(deadline).chat.completions.create({ ...bodyOf(request, model), stream: false }, { signal: deadline.signal });
        const choice = completion.choices[0];
        return { text: choice?.message?.content ?? '', model: completion.model || model, usage: usageOf(completion.usage), finishReason: finishReasonOf(choice?.finish_reason) };
      }),

    chatStream: (request) =>
      streamWithDeadline(
        provider,
        request,
        options.timeoutMs,
        toTyped,
        (deadline, model) => clientFor(deadline).chat.completions.create({ ...bodyOf(request, model), stream: true, stream_options: { include_usage: true } }, { signal: deadline.signal }),
        function* (chunk, result) {
          if (chunk.model) result.model = chunk.model;
          if (chunk.usage) result.usage = usageOf(chunk.usage);
          const choice = chunk.choices[0];
          if (!choice) return;
          if (choice.finish_reason) result.finishReason = finishReasonOf(choice.finish_reason);
          const delta = choice.delta as typeof choice.delta & ReasoningDelta;
          const thinking = delta.reasoning ?? delta.reasoning_content;
          if (thinking) yield { type: 'thinking', text: thinking };
          if (delta.content) yield { type: 'content', text: delta.content };
        },
      ),

    listModels: (listOptions = {}) =>
      listWithFallback(provider, listOptions, options.timeoutMs, toTyped, async (deadline) => {
        const models: ModelInfo[] = [];
        for await (const model of clientFor(deadline).models.list({ signal: deadline.signal })) {
          const described = model as typeof model & { name?: string; context_length?: number };
          models.push({ id: model.id, ...(described.name && { name: described.name }), ...(described.context_length && { contextLength: described.context_length }) });
          if (models.length >= 2000) break;
        }
        return models.sort((a, b) => a.id.localeCompare(b.id));
      }),
  };
  return provider;
}

function usageOf(usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): TokenUsage {
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}
