import type { Logger } from '../logger.js';

/** The level of a request's log line: errors for 5xx, warnings for 4xx (pino-http's and the fast lanes'). */
export function requestLogLevel(statusCode: number, error?: unknown): 'error' | 'warn' | 'info' {
  return error || statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

/**
 * The line pino-http writes for the full routes (app.ts), written by a fast lane that answers before
 * Express sees the request: the same fields, level and message, so the log reads alike whichever way
 * it went (pino-http also adds an `err` to a 5xx line; the lane's failure is logged where it happened).
 */
export function logRequestLine(logger: Logger, line: { requestId: string; method: string; path: string; statusCode: number; started: number }): void {
  const level = requestLogLevel(line.statusCode);
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    { reqId: line.requestId, req: { method: line.method, path: line.path }, res: { statusCode: line.statusCode }, responseTime: Math.round(performance.now() - line.started) },
    level === 'error' ? 'request errored' : 'request completed',
  );
}
