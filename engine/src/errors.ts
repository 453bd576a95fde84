/**
 * The one error hierarchy of the engine. Services and data providers throw these; a single HTTP
 * middleware maps them to `{ error: { code, message, details } }` (see http/error-handler.ts).
 */
export class AppError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `body.name` or `query.limit`. */
  path: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(message: string, issues: FieldIssue[] = [], code = 'validation_error') {
    super(400, code, message, { issues });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required', code = 'unauthorized') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do this', code = 'forbidden') {
    super(403, code, message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, code = 'not_found') {
    super(404, code, `${what} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super(409, code, message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `Request body is larger than the limit of ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected: string) {
    super(415, 'unsupported_media_type', `Request body must be sent as ${expected}`);
  }
}

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number, message = 'Too many requests', code = 'rate_limited', details: Record<string, unknown> = {}) {
    super(429, code, message, { ...details, retryAfter: retryAfterSeconds });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string, readonly retryAfterSeconds = 5, code = 'service_unavailable') {
    super(503, code, message);
  }
}

/** A problem in the engine's own configuration or environment: printed at boot, then exit(1). */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
