import type { ErrorRequestHandler, Request, Response } from 'express';
import {
  AppError,
  PayloadTooLargeError,
  RateLimitedError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';
import { isDatabaseUnavailable, pgErrorCode } from '../data/postgres/database.js';
import type { Logger } from '../logger.js';
import type { ApiSurface, RouteDefinition } from './registry.js';

/**
 * A safety net for values that reached the database unvalidated, and for a database that is away:
 * the client gets the right 4xx/503 rather than a 500. Routes still validate their input first.
 */
function databaseError(code: string | undefined): AppError | null {
  switch (code) {
    case '22P02': // invalid_text_representation, e.g. a malformed uuid
    case '22001': // string_data_right_truncation
    case '22003': // numeric_value_out_of_range
    case '22007': // invalid_datetime_format
    case '22008': // datetime_field_overflow
    case '22009': // invalid_time_zone_displacement_value (dates out of range)
    case '22021': // character_not_in_repertoire (NUL in text)
    case '22P05': // untranslatable_character (NUL in jsonb)
      return new ValidationError('A value in the request has the wrong form or size', [], 'invalid_value');
    case '23503':
      return new AppError(409, 'reference_conflict', 'The change refers to something that does not exist, or is still referred to');
    case '23505':
      return new AppError(409, 'conflict', 'This already exists');
    case '40001':
    case '40P01':
      return new ServiceUnavailableError('The database was busy with a conflicting change; retry the request', 1, 'retry');
    case '57014': // query_canceled: a statement_timeout, the database is too slow right now
    case '55P03': // lock_not_available
      return new ServiceUnavailableError('The database is busy; retry shortly', 1, 'database_busy');
  }
  return null;
}

// Retry-After 2 s: short enough that clients resume soon after the server is back (issue 7).
const databaseUnavailable = () => new ServiceUnavailableError('The database is not reachable right now; retry shortly', 2, 'database_unavailable');

/** body-parser's errors carry a `type` (and `limit`) instead of a class. */
interface ParserError {
  type?: string;
  status?: number;
  limit?: number;
}

function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  const fromDatabase = databaseError(pgErrorCode(error));
  if (fromDatabase) return fromDatabase;
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
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

/** An error as it is answered: the known error it maps to (null: answered 500), status, code and message. */
export interface ErrorAnswer {
  known: AppError | null;
  status: number;
  code: string;
  message: string;
  /** Sent as Retry-After (429, 503). */
  retryAfterSeconds: number | null;
  /** The JSON body on the public and dashboard APIs. */
  body: { error: { code: string; message: string; details?: unknown } };
}

/**
 * What `error` is answered with. An unknown error is logged with the request id and answered 500
 * without a stack. Also used by the ingestion lane (traces/ingest-lane.ts), which answers outside Express.
 */
export function answerTo(error: unknown, reqId: string, logger: Logger): ErrorAnswer {
  const known = toAppError(error);
  const status = known?.httpStatus ?? 500;
  const code = known?.code ?? 'internal_error';
  const message = known?.message ?? `Internal server error (request id ${reqId})`;
  // The base logger, not pino-http's req.log, which binds reqId already: one field, one name.
  if (!known) logger.error({ err: error, reqId }, 'Unhandled error');
  const retryAfterSeconds = known instanceof RateLimitedError || known instanceof ServiceUnavailableError ? known.retryAfterSeconds : null;
  const details = known ? known.details : { requestId: reqId };
  return { known, status, code, message, retryAfterSeconds, body: { error: { code, message, ...(details !== undefined && { details }) } } };
}

/**
 * The one place errors become responses: `{ error: { code, message, details } }`, or the original
 * API's `{ error: "message", code }` on the compatibility surface. Unknown errors are logged with the
 * request id and answered 500 without a stack.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, _next) => {
    const reqId = String(req.id ?? res.getHeader('x-request-id') ?? '');
    if (res.headersSent) {
      // Ending normally would make a truncated response look complete.
      logger.error({ err: error, reqId }, 'Error after the response had started');
      res.destroy();
      return;
    }
    const { known, status, code, message, retryAfterSeconds, body } = answerTo(error, reqId, logger);
    if (retryAfterSeconds !== null) res.setHeader('Retry-After', String(retryAfterSeconds));
    const errorBody = res.locals.errorBody as RouteDefinition['errorBody'];
    const custom = errorBody?.encode(req, { status, code, message });
    if (errorBody && custom) {
      res.status(status).type(errorBody.mediaType).end(custom);
      return;
    }
    if (surfaceOf(res) === 'compat') {
      // The original's 429 body: { error, retryAfter, message }.
      const extra = known instanceof RateLimitedError ? { retryAfter: known.retryAfterSeconds, message } : {};
      res.status(status).json({ error: message, code, ...extra });
      return;
    }
    res.status(status).json(body);
  };
}
