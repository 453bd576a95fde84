import { AppError, ConflictError, RateLimitedError } from '../errors.js';
import type { AiProviderName } from './types.js';

/** How to turn AI on: what every `ai_disabled` answer carries as `details.hint`. */
export const ENABLE_AI_HINT =
  'Set AI_PROVIDER and its key or server (see .env.example), or have an admin add a provider key under Settings › Provider keys.';

/** No provider is configured for the instance nor the organization: 409 `ai_disabled` with a hint. */
export class AiDisabledError extends ConflictError {
  constructor(message = 'AI features are disabled: no AI provider is configured', hint = ENABLE_AI_HINT) {
    super(message, 'ai_disabled', { hint });
  }
}

/**
 * The provider failed (refused the key, does not know the model, answered an error, or could not be
 * reached): 502 with a code saying which, the provider and its status. Never the key.
 */
export class AiProviderError extends AppError {
  constructor(
    readonly provider: AiProviderName,
    code: 'ai_provider_auth_failed' | 'ai_model_not_found' | 'ai_provider_rejected' | 'ai_provider_unavailable' | 'ai_provider_unreachable' | 'ai_model_required',
    message: string,
    readonly upstreamStatus: number | null = null,
    hint?: string,
  ) {
    super(502, code, message, { provider, status: upstreamStatus, ...(hint && { hint }) });
  }
}

/** The provider kept answering 429 and asked for a longer wait than the call may take. */
export class AiRateLimitedError extends RateLimitedError {
  constructor(readonly provider: AiProviderName, retryAfterSeconds: number) {
    super(retryAfterSeconds, `${provider} is rate-limiting requests; retry after ${retryAfterSeconds} s`, 'ai_provider_rate_limited', { provider });
  }
}

/** No answer in time (AI_TIMEOUT_SECONDS or the caller's timeoutMs): 504 `ai_timeout`. */
export class AiTimeoutError extends AppError {
  constructor(readonly provider: AiProviderName, timeoutMs: number) {
    super(504, 'ai_timeout', `${provider} did not answer within ${Math.round(timeoutMs / 100) / 10} s`, { provider, timeoutMs });
  }
}

/** The caller cancelled (its AbortSignal fired), e.g. the browser went away. */
export class AiCancelledError extends AppError {
  constructor(readonly provider: AiProviderName) {
    super(499, 'ai_cancelled', 'The AI call was cancelled');
  }
}

/** A structured reply that stayed invalid after the repair attempt: 502 `ai_invalid_output`, never a made-up value. */
export class AiOutputError extends AppError {
  constructor(
    message: string,
    readonly issues: string[],
    readonly attempts: number,
  ) {
    // `details.issues` is the envelope's list of invalid request fields (path, message); the model's problems are named apart.
    super(502, 'ai_invalid_output', message, { problems: issues, attempts });
  }
}
