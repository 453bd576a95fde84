import type { ErrorRequestHandler, Request, Response } from 'express';
import { z } from 'zod';
import {
  AppError,
  PayloadTooLargeError,
  RateLimitedError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { ApiSurface } from './registry.js';
import { toFieldIssues } from './validate.js';

/** body-parser's errors carry a `type` (and `limit`) instead of a class. */
interface ParserError {
  type?: string;
  status?: number;
  limit?: number;
}

function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) return new ValidationError('Invalid request', toFieldIssues('body', error));
  const parserError = error as ParserError;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return new ValidationError('Request body is not valid JSON', [{ path: 'body', message: 'malformed JSON' }], 'invalid_json');
    case 'entity.too.large':
      return new PayloadTooLargeError(parserError.limit ?? 0);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('UTF-8 JSON');
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'The request was aborted by the client');
  }
  // Other http-errors (e.g. a missing static asset) carry their own 4xx status.
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    const message = parserError.status === 404 ? 'Not found' : (error as Error).message;
    return new AppError(parserError.status, parserError.status === 404 ? 'not_found' : 'bad_request', message);
  }
  return null;
}

/** The surface of the route being served, set by the router, so errors use that API's shape. */
export function surfaceOf(res: Response): ApiSurface | undefined {
  return res.locals.surface as ApiSurface | undefined;
}

/**
 * The one place errors become responses: `{ error: { code, message, details } }`, or the original
 * API's `{ error: "message", code }` on the compatibility surface. Unknown errors are logged with the
 * request id and answered 500 without a stack.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, _next) => {
    const requestId = String(req.id ?? res.getHeader('x-request-id') ?? '');
    const appError = toAppError(error);
    if (res.headersSent) {
      logger.error({ err: error, requestId }, 'Error after the response had started');
      res.end();
      return;
    }
    if (appError instanceof RateLimitedError || appError instanceof ServiceUnavailableError) {
      res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    }
    const status = appError?.httpStatus ?? 500;
    const code = appError?.code ?? 'internal_error';
    const message = appError?.message ?? `Internal server error (request id ${requestId})`;
    if (!appError) (req.log ?? logger).error({ err: error, requestId }, 'Unhandled error');
    if (surfaceOf(res) === 'compat') {
      res.status(status).json({ error: message, code });
      return;
    }
    const details = appError ? appError.details : { requestId };
    res.status(status).json({ error: { code, message, ...(details !== undefined && { details }) } });
  };
}
