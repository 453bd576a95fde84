import type { AppError } from '../errors.js';
import { fallbackModels, fallsBack } from './models.js';
import { modelFor } from './request.js';
import { CallDeadline } from './transport.js';
import type { AiProvider, AiProviderName, ChatRequest, ChatResult, ChatStreamEvent, ModelInfo, ModelList } from './types.js';

/**
 * The shape every adapter's calls share — a deadline per call, typed errors, the stream's closing
 * `done` event, the fallback model list, the model a chat uses — so an adapter only says how to talk
 * to its package. `model` is the chat's (none for a model listing).
 */
export type ToTypedError = (error: unknown, deadline: CallDeadline, model?: string) => AppError;

/** Model listings are quick or not coming: they wait at most this long unless told otherwise. */
const LIST_TIMEOUT_MS = 15_000;

/** One chat call with the model it uses (see modelFor), within the request's time budget (timeoutMs, else the provider's default). */
export async function callWithDeadline<R>(provider: AiProvider, request: ChatRequest, defaultTimeoutMs: number, toTyped: ToTypedError, run: (deadline: CallDeadline, model: string) => Promise<R>): Promise<R> {
  const model = await modelFor(provider, request);
  const deadline = new CallDeadline(request.timeoutMs ?? defaultTimeoutMs, request.signal);
  try {
    return await run(deadline, model);
  } catch (error) {
    throw toTyped(error, deadline, model);
  } finally {
    deadline.dispose();
  }
}

/**
 * A streamed chat: `open` starts it with the model it uses, `read` turns each chunk into events (and
 * notes model, usage and finish reason in the running result, which starts with the model asked for);
 * content is collected here, and `done` closes the stream.
 */
export async function* streamWithDeadline<Chunk>(
  provider: AiProvider,
  request: ChatRequest,
  defaultTimeoutMs: number,
  toTyped: ToTypedError,
  open: (deadline: CallDeadline, model: string) => Promise<AsyncIterable<Chunk>>,
  read: (chunk: Chunk, result: ChatResult) => Iterable<ChatStreamEvent>,
): AsyncGenerator<ChatStreamEvent> {
  const model = await modelFor(provider, request);
  const deadline = new CallDeadline(request.timeoutMs ?? defaultTimeoutMs, request.signal);
  const result: ChatResult = { text: '', model, usage: { inputTokens: 0, outputTokens: 0 }, finishReason: 'other' };
  try {
    for await (const chunk of await open(deadline, model)) {
      // The budget is the wait for the next chunk: a long answer that keeps coming is not cut off.
      deadline.touch();
      for (const event of read(chunk, result)) {
        if (event.type === 'content') result.text += event.text;
        yield event;
      }
    }
  } catch (error) {
    throw toTyped(error, deadline, model);
  } finally {
    deadline.dispose();
  }
  yield { type: 'done', ...result };
}

/** The provider's model list, or its usual models when the list cannot be read (not when the key is refused). */
export async function listWithFallback(
  provider: { name: AiProviderName; defaultModel: string | null },
  options: { signal?: AbortSignal; timeoutMs?: number },
  defaultTimeoutMs: number,
  toTyped: ToTypedError,
  list: (deadline: CallDeadline) => Promise<ModelInfo[]>,
): Promise<ModelList> {
  const deadline = new CallDeadline(options.timeoutMs ?? Math.min(defaultTimeoutMs, LIST_TIMEOUT_MS), options.signal);
  try {
    return { models: await list(deadline), source: 'provider' };
  } catch (error) {
    const failure = toTyped(error, deadline);
    if (!fallsBack(failure)) throw failure;
    return { models: fallbackModels(provider.name, provider.defaultModel), source: 'fallback' };
  } finally {
    deadline.dispose();
  }
}
