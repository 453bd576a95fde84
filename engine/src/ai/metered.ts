import { performance } from 'node:perf_hooks';
import { AppError } from '../errors.js';
import type { AiCallStatus } from '../data/ai-usage.js';
import type { AiProvider, ChatRequest, ChatResult, ChatStreamEvent, TokenUsage } from './types.js';

/** How one call ended, as the usage log records it. */
export interface CallOutcome {
  model: string;
  usage: TokenUsage;
  latencyMs: number;
  status: AiCallStatus;
  errorCode: string | null;
}

const NO_TOKENS: TokenUsage = { inputTokens: 0, outputTokens: 0 };

function failed(error: unknown, model: string, latencyMs: number): CallOutcome {
  const cancelled = error instanceof AppError && error.code === 'ai_cancelled';
  return { model, usage: NO_TOKENS, latencyMs, status: cancelled ? 'cancelled' : 'error', errorCode: error instanceof AppError ? error.code : 'internal_error' };
}

/**
 * The same provider, with every chat call handed to `record` when it ends — answered, failed, or (a
 * stream left before its end) cancelled. Model listings are not calls to a model and are not recorded.
 */
export function meteredProvider(inner: AiProvider, record: (outcome: CallOutcome) => Promise<void>): AiProvider {
  const modelAsked = (request: ChatRequest) => request.model ?? inner.defaultModel ?? 'unknown';
  return {
    name: inner.name,
    defaultModel: inner.defaultModel,
    listModels: (options) => inner.listModels(options),

    async chat(request) {
      const started = performance.now();
      let result: ChatResult;
      try {
        result = await inner.chat(request);
      } catch (error) {
        await record(failed(error, modelAsked(request), performance.now() - started));
        throw error;
      }
      await record({ model: result.model, usage: result.usage, latencyMs: performance.now() - started, status: 'ok', errorCode: null });
      return result;
    },

    async *chatStream(request): AsyncGenerator<ChatStreamEvent> {
      const started = performance.now();
      let outcome: CallOutcome | null = null;
      try {
        for await (const event of inner.chatStream(request)) {
          if (event.type === 'done') outcome = { model: event.model, usage: event.usage, latencyMs: performance.now() - started, status: 'ok', errorCode: null };
          yield event;
        }
      } catch (error) {
        outcome = failed(error, modelAsked(request), performance.now() - started);
        throw error;
      } finally {
        // Left before `done` (the consumer stopped reading): whatever the model did is not known.
        await record(outcome ?? { model: modelAsked(request), usage: NO_TOKENS, latencyMs: performance.now() - started, status: 'cancelled', errorCode: null });
      }
    },
  };
}
