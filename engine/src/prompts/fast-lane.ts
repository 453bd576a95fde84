import type { IncomingMessage, ServerResponse } from 'node:http';
import { logRequestLine } from '../http/request-line.js';
import type { Services } from '../http/services.js';
import type { ResolvedPrompt } from '../data/prompts.js';
import { etagOf, toResolvedView } from './service.js';

/**
 * The hot path of applications — `GET /api/v1/prompts/:key` answered from the caches — served before
 * Express, which would cost several times the work for every fetch. Only the plain success case is
 * handled here; anything else (a bad key, an unknown prompt, other query parameters, CORS, errors) falls
 * through to the full route, which answers it. Headers match the full stack's (security headers
 * included), and the same caches keep it correct across replicas.
 */
const PATH = /^\/api\/v1\/prompts\/([A-Za-z0-9._-]{1,128})$/;
const LABEL = /^[a-z0-9][a-z0-9._-]{0,63}$/;

interface Serialized {
  body: string;
  etag: string;
}

export type FastLane = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<boolean>;

export function createFastLane(services: Services, securityHeaders: Record<string, string>): FastLane {
  // One serialisation per cached resolution (the cache hands out the same object until it changes).
  const serialized = new WeakMap<ResolvedPrompt, Serialized>();
  const serialize = (resolved: ResolvedPrompt): Serialized => {
    let entry = serialized.get(resolved);
    if (!entry) {
      const view = toResolvedView(resolved);
      entry = { body: JSON.stringify(view), etag: etagOf(view) };
      serialized.set(resolved, entry);
    }
    return entry;
  };

  return async (req, res, requestId) => {
    if (req.method !== 'GET' || !req.url) return false;
    // Cross-origin browser calls need the CORS middleware's headers: the full route handles them.
    if (req.headers.origin && services.config.corsOrigins.length > 0) return false;
    const queryAt = req.url.indexOf('?');
    const match = PATH.exec(queryAt === -1 ? req.url : req.url.slice(0, queryAt));
    if (!match) return false;
    const selector = selectorOf(queryAt === -1 ? '' : req.url.slice(queryAt + 1));
    if (!selector) return false;
    const started = performance.now();
    const check = await services.apiKeyCache.authenticate(req.headers, (error) => services.logger.warn({ err: error }, 'Recording API key use failed'));
    if (!check.ok) return false;
    const resolved = await services.promptCache.resolve(check.key.projectId, decodeURIComponent(match[1]!), selector);
    if (!resolved) return false;
    // Over the limit: the full route counts it too and answers 429.
    if ((await services.apiRateLimiter.take(check.key.id, 'read'))?.allowed === false) return false;

    const { body, etag } = serialize(resolved);
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    const held = req.headers['if-none-match']?.split(',').map((tag) => tag.trim());
    if (held?.includes(etag) || held?.includes('*')) {
      res.writeHead(304).end();
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
    }
    logRequestLine(services.logger, { requestId, method: 'GET', path: match[0], statusCode: res.statusCode, started });
    return true;
  };
}

/** `label=…` or `version=…` (or nothing: production); anything else is for the full route. */
function selectorOf(query: string): { label: string } | { version: number } | null {
  if (query === '') return { label: 'production' };
  const params = new URLSearchParams(query);
  const names = [...params.keys()];
  if (names.length !== 1) return null;
  const label = params.get('label');
  if (label !== null) return LABEL.test(label) ? { label } : null;
  const version = params.get('version');
  return version !== null && /^[1-9]\d{0,8}$/.test(version) ? { version: Number(version) } : null;
}
