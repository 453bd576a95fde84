/**
 * The provider contract every AI feature codes against (issue 9): one shape for OpenRouter, OpenAI,
 * Anthropic, Ollama and any OpenAI-compatible server. Adapters live next to this file; features get a
 * provider from the AI service (`services.ai.forRequest` / `forJob`), which also records usage.
 */
import type { AiProviderName } from '../config.js';

export type { AiProviderName };

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  /** The provider's default model when absent. */
  model?: string;
  messages: ChatMessage[];
  system?: string;
  /** Sent as given (OpenAI's reasoning models accept only the default); not sent to Anthropic, whose API deprecates it. */
  temperature?: number;
  maxTokens?: number;
  /** Ask for one JSON object (provider JSON modes where they exist, an instruction everywhere). */
  responseFormat?: 'json';
  /**
   * Let the model think before answering (Anthropic extended thinking, Ollama `think`, OpenRouter
   * `reasoning`); the thinking arrives as `thinking` stream events. Ignored where unsupported.
   */
  thinking?: { budgetTokens: number };
  /** Cancels the call (e.g. the browser went away). */
  signal?: AbortSignal;
  /**
   * `chat`: the longest the whole call may take, retries included. `chatStream`: the longest wait for
   * the next event. Default AI_TIMEOUT_SECONDS.
   */
  timeoutMs?: number;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Why the model stopped: done, out of tokens, refused/filtered, or something else (tool use, …). */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'other';

export interface ChatResult {
  text: string;
  /** The model that answered, as the provider names it. */
  model: string;
  usage: TokenUsage;
  finishReason: FinishReason;
}

/** A stream's events: thinking and content deltas, then exactly one `done` with the totals. */
export type ChatStreamEvent = { type: 'thinking'; text: string } | { type: 'content'; text: string } | ({ type: 'done' } & ChatResult);

export interface ModelInfo {
  id: string;
  /** A display name, when the provider gives one. */
  name?: string;
  contextLength?: number;
}

export interface ModelList {
  models: ModelInfo[];
  /** `fallback`: the provider's model list could not be read; these are the usual models of that provider. */
  source: 'provider' | 'fallback';
}

export interface AiProvider {
  readonly name: AiProviderName;
  /** Null only for a custom server without AI_MODEL: the first model it lists is used. */
  readonly defaultModel: string | null;
  chat(request: ChatRequest): Promise<ChatResult>;
  chatStream(request: ChatRequest): AsyncIterable<ChatStreamEvent>;
  listModels(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<ModelList>;
}

/** Everything needed to talk to one provider with one key. Never sent to a browser. */
export interface ProviderSettings {
  name: AiProviderName;
  baseUrl: string;
  /** Null for servers that take no key (Ollama, a local custom server). */
  apiKey: string | null;
  defaultModel: string | null;
}

/** What every adapter is built with, besides its settings. */
export interface ProviderOptions {
  /** Default timeout of a call (AI_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** This instance's address (PUBLIC_URL), sent to OpenRouter as HTTP-Referer (its app attribution). */
  appUrl: string;
}
