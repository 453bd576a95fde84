import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { answerTo } from '../http/error-handler.js';
import { DEFAULT_BODY_LIMIT_BYTES, type AnyRouteDefinition } from '../http/registry.js';
import { logRequestLine } from '../http/request-line.js';
import type { Services } from '../http/services.js';
import { parsePart } from '../http/validate.js';
import { INGEST_PATH } from './routes.js';
import { ingestEnvelope } from './schema.js';
import { ingestBatch, ingestContext } from './service.js';

/**
 * `POST /api/v1/ingest` served before Express, as the prompt fast lane serves prompt fetches: the
 * app's middleware (request logger, security headers, compression, cookies, router) cost about a
 * millisecond of CPU per batch, a tenth of an acknowledgement's on a small machine (issue 7: p99
 * ≤ 50 ms). The lane does what the route declares — the API key, the key's write limit, a JSON body
 * within the route's limit, the envelope, one result per event — and answers errors as the error
 * handler does. A request it does not take whole (another content type or encoding, no
 * Content-Length, CORS, a key refused or over its limit) goes to the full route untouched; a request
 * whose body it has read, it answers.
 */
export type IngestLane = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<boolean>;

/** The lane for the registry's ingest route; null when the route declares more than the lane does. */
export function createIngestLane(services: Services, routes: AnyRouteDefinition[], securityHeaders: Record<string, string>): IngestLane | null {
  const route = routes.find((candidate) => candidate.method === 'post' && candidate.path === INGEST_PATH);
  if (!route || route.auth !== 'apiKey' || route.surface !== 'v1' || route.permission || route.rateLimit || route.rawBody || route.errorBody) return null;
  const { path } = route;
  const bodyLimitBytes = route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const { logger } = services;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
  };

  return async (req, res, requestId) => {
    if (req.method !== 'POST' || req.url !== path) return false;
    // Cross-origin browser calls need the CORS middleware's headers.
    if (req.headers.origin && services.config.corsOrigins.length > 0) return false;
    const length = Number(req.headers['content-length']);
    if (!isPlainJson(req.headers) || !Number.isInteger(length) || length <= 0 || length > bodyLimitBytes) return false;
    const check = await services.apiKeyCache.authenticate(req.headers, (error) => logger.warn({ err: error }, 'Recording API key use failed'));
    if (!check.ok) return false;
    // Over the limit: the full route counts it too and answers 429.
    if ((await services.apiRateLimiter.take(check.key.id, 'write'))?.allowed === false) return false;

    const started = performance.now();
    let status = 207;
    try {
      const { batch } = parsePart('body', ingestEnvelope, parseJson(await readBody(req)));
      send(res, status, await ingestBatch(services, ingestContext(check.key.id), check.key.projectId, batch));
    } catch (error) {
      // The client is gone, or the answer had started: nothing more can be said.
      if (res.headersSent || !res.socket || res.socket.destroyed) {
        res.destroy();
        return true;
      }
      const answer = answerTo(error, requestId, logger);
      status = answer.status;
      send(res, status, answer.body, answer.retryAfterSeconds === null ? {} : { 'Retry-After': String(answer.retryAfterSeconds) });
    }
    logRequestLine(logger, { requestId, method: 'POST', path, statusCode: status, started });
    return true;
  };
}

/** JSON as the lane reads it: not encoded (gzip …), not chunked, UTF-8 if a charset is named. */
function isPlainJson(headers: IncomingHttpHeaders): boolean {
  const encoding = headers['content-encoding'];
  if ((encoding !== undefined && encoding.toLowerCase() !== 'identity') || headers['transfer-encoding'] !== undefined) return false;
  return /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i.test(headers['content-type'] ?? '');
}

/** body-parser's failures carry a `type`, which the error handler answers (400 invalid_json, request_aborted). */
const parserError = (type: string, message: string) => Object.assign(new Error(message), { type, status: 400 });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => reject(parserError('request.aborted', 'request aborted')));
    req.on('close', () => reject(parserError('request.aborted', 'request aborted')));
  });
}

/** As the router's express.json parses (not strict: any JSON value; a byte order mark dropped). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw parserError('entity.parse.failed', 'Request body is not valid JSON');
  }
}
