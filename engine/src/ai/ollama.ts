import { Ollama, type ChatRequest as OllamaChatRequest, type ChatResponse, type Message } from 'ollama';
import { AppError } from '../errors.js';
import { AiProviderError } from './errors.js';
import { callWithDeadline, listWithFallback, streamWithDeadline, type ToTypedError } from './calls.js';
import { finishReasonOf, systemPromptOf } from './request.js';
import { CallDeadline, deadlineFetch, transportError, upstreamError } from './transport.js';
import type { AiProvider, ChatRequest, ChatResult, ProviderOptions, ProviderSettings } from './types.js';

/**
 * A local Ollama server through the `ollama` package. The package has no retries and no per-call
 * signal: each call gets a client whose fetch carries the call's deadline, and failures are reported
 * at once (a local server that refuses or is busy will not be better in half a second).
 */
export function ollamaProvider(settings: ProviderSettings, options: Pick<ProviderOptions, 'timeoutMs'>): AiProvider {
  const clientFor = (deadline: CallDeadline) => new Ollama({ host: settings.baseUrl, fetch: deadlineFetch(deadline) });

  const bodyOf = (request: ChatRequest, model: string): OllamaChatRequest => {
    const system = systemPromptOf(request);
    const messages: Message[] = [...(system ? [{ role: 'system', content: system }] : []), ...request.messages];
    const modelOptions = {
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.maxTokens !== undefined && { num_predict: request.maxTokens }),
    };
    return {
      model,
      messages,
      ...(request.responseFormat === 'json' && { format: 'json' }),
      ...(request.thinking && { think: true }),
      ...(Object.keys(modelOptions).length > 0 && { options: modelOptions }),
    };
  };

  /** Typed errors; a 404 naming a model means it is not pulled. */
  const toTyped: ToTypedError = (error, deadline, model) => {
    if (error instanceof AppError) return error;
    if (deadline.timedOut || deadline.cancelled) return transportError('ollama', deadline, error, settings.baseUrl);
    const status = (error as { status_code?: unknown }).status_code;
    if (status === 404 && model) {
      return new AiProviderError('ollama', 'ai_model_not_found', `ollama: ${(error as Error).message}`, 404, `Pull the model on the Ollama server: ollama pull ${model}`);
    }
    if (typeof status === 'number') return upstreamError('ollama', { status, message: (error as Error).message }, settings.apiKey);
    // fetch's TypeError: the server is not there. Otherwise an error object inside the stream.
    if ((error as Error).name === 'TypeError') return transportError('ollama', deadline, error, settings.baseUrl);
    return new AiProviderError('ollama', 'ai_provider_unavailable', `ollama: ${(error as Error).message}`);
  };

  const provider: AiProvider = {
    name: 'ollama',
    defaultModel: settings.defaultModel,

    chat: (request) =>
      callWithDeadline(provider, request, options.timeoutMs, toTyped, async (deadline, model) => {
        const response = await clientFor(deadline).chat({ ...bodyOf(request, model), stream: false });
        return { text: response.message?.content ?? '', ...totalsOf(response, model) };
      }),

    chatStream: (request) =>
      streamWithDeadline(
        provider,
        request,
        options.timeoutMs,
        toTyped,
        (deadline, model) => clientFor(deadline).chat({ ...bodyOf(request, model), stream: true }),
        function* (part, result) {
          if (part.message?.thinking) yield { type: 'thinking', text: part.message.thinking };
          if (part.message?.content) yield { type: 'content', text: part.message.content };
          if (part.done) Object.assign(result, totalsOf(part, result.model));
        },
      ),

    listModels: (listOptions = {}) =>
      listWithFallback(provider, listOptions, options.timeoutMs, toTyped, async (deadline) => {
        const { models } = await clientFor(deadline).list();
        return models.map((model) => ({ id: model.name })).sort((a, b) => a.id.localeCompare(b.id));
      }),
  };
  return provider;
}

function totalsOf(response: Partial<ChatResponse>, model: string): Omit<ChatResult, 'text'> {
  return {
    model: response.model || model,
    usage: { inputTokens: response.prompt_eval_count ?? 0, outputTokens: response.eval_count ?? 0 },
    finishReason: finishReasonOf(response.done_reason),
  };
}
