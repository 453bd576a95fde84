import { AppError } from '../errors.js';
import { AiCancelledError, AiProviderError, AiRateLimitedError, AiTimeoutError } from './errors.js';
import type { AiProviderName } from './types.js';

/** The client packages retry twice (openai-node's default): 0.5 s × 2ⁿ with jitter, or what Retry-After says. */
export const MAX_RETRIES = 2;
/** A Retry-After longer than this (or than the time the call has left) is not waited for: the 429 is answered at once. */
export const MAX_RETRY_WAIT_MS = 30_000;

/**
 * One call's time budget and cancellation: aborts its signal when the caller's signal fires or when
 * `timeoutMs` passes. `touch()` restarts the clock, so a stream's budget is the wait for its next event.
 */
export class CallDeadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private expiresAt = 0;
  timedOut = false;

  constructor(
    readonly timeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The caller gave up (not a timeout). */
  get cancelled(): boolean {
    return !this.timedOut && (this.callerSignal?.aborted ?? false);
  }

  touch(): void {
    clearTimeout(this.timer);
    if (this.controller.signal.aborted) return;
    this.expiresAt = Date.now() + this.timeoutMs;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`timed out after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    this.timer.unref();
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - Date.now());
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private readonly onCallerAbort = () => {
    clearTimeout(this.timer);
    this.controller.abort(this.callerSignal?.reason);
  };
}

/** Milliseconds a response asks to wait (`retry-after-ms`, `retry-after` in seconds or as a date); null if it does not say. */
export function retryAfterMs(headers: Headers): number | null {
  const millis = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(millis)) return millis;
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number.parseFloat(value);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/**
 * The `fetch` the client packages use for one call: bound to the call's deadline, and turning a
 * Retry-After the call cannot afford into "do not retry" (openai-node and the Anthropic SDK would
 * otherwise sleep for whatever the server asks, uncancellably).
 */
export function deadlineFetch(deadline: CallDeadline): typeof fetch {
  return async (input, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline.signal]) : deadline.signal;
    const response = await fetch(input, { ...init, signal });
    const retryable = response.status === 429 || response.status >= 500;
    const waitMs = retryable ? retryAfterMs(response.headers) : null;
    if (waitMs === null || waitMs <= Math.min(MAX_RETRY_WAIT_MS, deadline.remainingMs())) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

export interface UpstreamFailure {
  status: number;
  message: string;
  headers?: Headers | null;
}

/** An error status from the provider, as the typed error features and routes see. */
export function upstreamError(provider: AiProviderName, failure: UpstreamFailure, secret: string | null): AppError {
  const message = `${provider}: ${redact(failure.message, secret)}`;
  if (failure.status === 401 || failure.status === 403) {
    return new AiProviderError(provider, 'ai_provider_auth_failed', message, failure.status, `Check the ${provider} key (instance configuration or Settings › Provider keys).`);
  }
  if (failure.status === 404) return new AiProviderError(provider, 'ai_model_not_found', message, 404, 'Check the model name and the provider base URL.');
  if (failure.status === 429) {
    const waitMs = failure.headers ? retryAfterMs(failure.headers) : null;
    return new AiRateLimitedError(provider, Math.max(1, Math.ceil((waitMs ?? 60_000) / 1000)));
  }
  if (failure.status >= 500) return new AiProviderError(provider, 'ai_provider_unavailable', message, failure.status);
  return new AiProviderError(provider, 'ai_provider_rejected', message, failure.status);
}

/** A call that got no response: timed out, cancelled by the caller, or the server was not reachable. */
export function transportError(provider: AiProviderName, deadline: CallDeadline, cause: unknown, baseUrl: string): AppError {
  if (deadline.timedOut) return new AiTimeoutError(provider, deadline.timeoutMs);
  if (deadline.cancelled) return new AiCancelledError(provider);
  const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
  return new AiProviderError(provider, 'ai_provider_unreachable', `${provider} is not reachable at ${baseUrl}: ${reason}`, null, 'Check that the server is running and its base URL.');
}

/**
 * Any error of a call through openai-node or the Anthropic SDK (both raise `APIError`s carrying the
 * HTTP status and headers, and connection/abort errors without a status) as a typed error.
 */
export function sdkError(provider: AiProviderName, error: unknown, deadline: CallDeadline, settings: { baseUrl: string; apiKey: string | null }): AppError {
  if (error instanceof AppError) return error;
  if (deadline.timedOut || deadline.cancelled) return transportError(provider, deadline, error, settings.baseUrl);
  const { status, headers } = error as { status?: unknown; headers?: unknown };
  if (typeof status === 'number') return upstreamError(provider, { status, message: (error as Error).message, headers: headers instanceof Headers ? headers : null }, settings.apiKey);
  // Both packages' classes carry these names (their `name` property does not say).
  const kind = (error as object | null)?.constructor?.name;
  if (kind === 'APIConnectionTimeoutError') return new AiTimeoutError(provider, deadline.timeoutMs);
  if (kind === 'APIConnectionError' || kind === 'APIUserAbortError') return transportError(provider, deadline, error, settings.baseUrl);
  // A stream that broke off or an error event inside it (no HTTP status).
  return new AiProviderError(provider, 'ai_provider_unavailable', `${provider}: ${redact(error instanceof Error ? error.message : String(error), settings.apiKey)}`);
}

/** Provider messages sometimes echo part of the key: never pass it on. */
function redact(message: string, secret: string | null): string {
  const clipped = message.length > 500 ? `${message.slice(0, 497)}…` : message;
  return secret && secret.length >= 8 ? clipped.split(secret).join('[key]') : clipped;
}
