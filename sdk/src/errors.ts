/**
 * Every error the SDK throws is a `ForPromptError`, modelled on openai-node's error classes: one class
 * per HTTP status family, each carrying `status`, `code` and the server's `requestId`.
 *
 * `code` keeps the original SDK's upper-case style (`PROMPT_NOT_FOUND`, `TIMEOUT`, `MISSING_API_KEY`,
 * …): for answers from the engine it is the engine's code upper-cased (`prompt_not_found` →
 * `PROMPT_NOT_FOUND`); `statusCode` is the original SDK's name for `status`.
 */
export class ForPromptError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The original SDK's name for `status`. */
  get statusCode(): number | undefined {
    return this.status;
  }
}

/** The client's options or environment cannot work (a malformed base URL, a negative timeout, …). */
export class ConfigurationError extends ForPromptError {
  constructor(message: string, code = 'CONFIGURATION_ERROR') {
    super(message, undefined, code);
  }
}

export interface APIErrorInit {
  status?: number | undefined;
  code?: string | undefined;
  requestId?: string | undefined;
  /** The engine's `error.details` (e.g. validation issues). */
  details?: unknown;
  cause?: unknown;
}

/** Anything that went wrong talking to the engine: a refused request, a server error, no connection. */
export class APIError extends ForPromptError {
  readonly details: unknown;

  constructor(message: string, init: APIErrorInit = {}) {
    super(message, init.status, init.code ?? (init.status !== undefined ? `HTTP_${init.status}` : 'API_ERROR'), init.requestId);
    this.details = init.details;
    if (init.cause !== undefined) (this as { cause?: unknown }).cause = init.cause;
  }
}

/** 400: the request was refused as malformed (see `details` for the fields). */
export class BadRequestError extends APIError {}
/** 401: no valid API key (also thrown before any request when no key is configured: `MISSING_API_KEY`). */
export class AuthenticationError extends APIError {}
/** 403: the key may not do this. */
export class PermissionDeniedError extends APIError {}
/** 404: no such prompt, version or label (`PROMPT_NOT_FOUND`, `VERSION_NOT_FOUND`, `LABEL_NOT_FOUND`). */
export class NotFoundError extends APIError {}
/** 409: conflicts with the current state (e.g. an Idempotency-Key reused for another body). */
export class ConflictError extends APIError {}
/** 429: over the key's rate limit; `retryAfterSeconds` is the server's Retry-After. */
export class RateLimitError extends APIError {
  constructor(
    message: string,
    init: APIErrorInit,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message, init);
  }
}
/** 5xx: the engine failed or its database is away. */
export class InternalServerError extends APIError {}

/** No answer at all: refused connection, reset, DNS, CORS. */
export class APIConnectionError extends APIError {
  constructor(message: string, init: Omit<APIErrorInit, 'status'> = {}) {
    super(message, { code: 'CONNECTION_ERROR', ...init });
  }
}

/** No answer within `timeoutMs` (the original SDK's `TIMEOUT`). */
export class APITimeoutError extends APIConnectionError {
  constructor(timeoutMs: number) {
    super(`Request timed out after ${timeoutMs} ms`, { code: 'TIMEOUT' });
  }
}

/** The error class for an HTTP status (openai-node's `APIError.generate`). */
export function errorForStatus(status: number, message: string, init: Omit<APIErrorInit, 'status'>, retryAfterSeconds?: number): APIError {
  const full = { ...init, status };
  switch (status) {
    case 400:
      return new BadRequestError(message, full);
    case 401:
      return new AuthenticationError(message, full);
    case 403:
      return new PermissionDeniedError(message, full);
    case 404:
      return new NotFoundError(message, full);
    case 409:
      return new ConflictError(message, full);
    case 429:
      return new RateLimitError(message, full, retryAfterSeconds);
  }
  return status >= 500 ? new InternalServerError(message, full) : new APIError(message, full);
}

/** Whether the engine could not give an answer (as opposed to answering "no"): offline sources may stand in. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof APIConnectionError || error instanceof InternalServerError || error instanceof RateLimitError;
}
