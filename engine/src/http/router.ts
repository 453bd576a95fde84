import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { RateLimitedError, UnsupportedMediaTypeError } from '../errors.js';
import type { AuthContext } from '../access/context.js';
import { DEFAULT_BODY_LIMIT_BYTES, Reply, type AnyRouteDefinition, type AuthKind } from './registry.js';
import type { Services } from './services.js';
import { findLooseObjects, parsePart } from './validate.js';

/** Middleware that authenticates (and authorizes `route.permission`) for one auth kind. */
export type Authenticator = (route: AnyRouteDefinition) => RequestHandler;

const JSON_TYPES = ['application/json', 'application/*+json'];

function jsonBody(route: AnyRouteDefinition): RequestHandler[] {
  if (route.rawBody) return [express.raw({ type: () => true, limit: route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES })];
  if (!route.request?.body) return [];
  const parse = express.json({ limit: route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, strict: false, type: JSON_TYPES });
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is(JSON_TYPES)) {
      next(new UnsupportedMediaTypeError('application/json'));
      return;
    }
    next();
  };
  return [requireJson, parse];
}

/**
 * The public API's generous per-key limits (API_RATE_LIMIT_*), and the route's own per-key limit,
 * counted in the database so every replica shares it.
 */
function rateLimit(route: AnyRouteDefinition, services: Services): RequestHandler[] {
  const publicLimit: RequestHandler[] =
    route.surface === 'v1' && route.auth === 'apiKey'
      ? [
          (_req, res, next) => {
            const auth = res.locals.auth as AuthContext | undefined;
            if (auth?.kind !== 'apiKey') return next();
            services.apiRateLimiter.take(auth.apiKeyId, route.method === 'get' ? 'read' : 'write').then((decision) => {
              if (decision?.allowed !== false) return next();
              res.setHeader('X-RateLimit-Limit', String(decision.limit));
              res.setHeader('X-RateLimit-Remaining', '0');
              next(new RateLimitedError(decision.retryAfterSeconds, `Rate limit exceeded: ${decision.limit} ${route.method === 'get' ? 'reads' : 'writes'} per minute for this API key`));
            }, next);
          },
        ]
      : [];
  const rule = route.rateLimit;
  if (!rule) return publicLimit;
  return [
    ...publicLimit,
    (req, res, next) => {
      const auth = res.locals.auth as { kind: string; apiKeyId?: string; userId?: string } | undefined;
      const subject = auth?.apiKeyId ?? auth?.userId ?? req.ip ?? 'unknown';
      services.provider.rateLimits
        .hit(`${rule.bucket}:${subject}`, { limit: rule.limit, windowSeconds: rule.windowSeconds })
        .then((result) => {
          const retryAfter = Math.max(1, Math.ceil((result.resetAt.getTime() - Date.now()) / 1000));
          res.setHeader('X-RateLimit-Limit', String(result.limit));
          res.setHeader('X-RateLimit-Remaining', String(result.remaining));
          res.setHeader('X-RateLimit-Reset', String(Math.ceil(result.resetAt.getTime() / 1000)));
          next(result.allowed ? undefined : new RateLimitedError(retryAfter, `Rate limit exceeded: ${result.limit} requests per ${rule.windowSeconds} seconds`));
        }, next);
    },
  ];
}

function handle(route: AnyRouteDefinition, services: Services): RequestHandler {
  const bodySchema = route.request?.body;
  const defaultStatus = defaultSuccessStatus(route);
  return async (req: Request, res: Response) => {
    const input = {
      params: route.request?.params ? parsePart('params', route.request.params, req.params) : req.params,
      query: route.request?.query ? parsePart('query', route.request.query, req.query) : {},
      // No body at all reads as `{}`, so that missing required fields are named; a JSON `null` stays null.
      body: route.rawBody
        ? Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
        : bodySchema ? parsePart('body', bodySchema, req.body === undefined ? {} : req.body) : undefined,
    };
    const result = await route.handler(input, { req, res, services });
    if (res.headersSent) return;
    if (result instanceof Reply) {
      res.set(result.headers).status(result.status);
      if (result.body === undefined) res.end();
      else res.json(result.body);
      return;
    }
    res.status(defaultStatus).json(result ?? null);
  };
}

/** The status of a plain return: the lowest 2xx status the route declares (200 when none). */
function defaultSuccessStatus(route: AnyRouteDefinition): number {
  const successes = Object.keys(route.responses).map(Number).filter((status) => status >= 200 && status < 300);
  return successes.length > 0 ? Math.min(...successes) : 200;
}

const SURFACE_RULES: Record<AnyRouteDefinition['surface'], { prefix: RegExp; auth: AuthKind[] }> = {
  system: { prefix: /^\/(healthz|readyz|api\/config|api\/openapi\.json)$/, auth: ['public'] },
  v1: { prefix: /^\/api\/v1\//, auth: ['apiKey'] },
  dashboard: { prefix: /^\/api\/dashboard\//, auth: ['session', 'public'] },
  compat: { prefix: /^\/(api\/(?!v1\/|dashboard\/)|clerk-webhook$)/, auth: ['apiKey', 'apiKeyOrSession', 'public'] },
};

/** Declaration mistakes that would expose or mis-serve a route stop the boot. */
function checkDeclaration(route: AnyRouteDefinition, id: string): void {
  const rule = SURFACE_RULES[route.surface];
  if (!rule.prefix.test(route.path)) throw new Error(`Route ${id} does not belong to the ${route.surface} surface's paths`);
  if (!rule.auth.includes(route.auth)) throw new Error(`Route ${id} on the ${route.surface} surface cannot use "${route.auth}" authentication`);
  if ((route.auth === 'session' || route.auth === 'apiKeyOrSession') && !route.permission) throw new Error(`Route ${id} needs a permission`);
  if (route.request?.body && (route.surface === 'v1' || route.surface === 'dashboard')) {
    const loose = findLooseObjects(route.request.body);
    if (loose.length > 0) throw new Error(`Route ${id} must refuse unknown fields: use z.strictObject at ${loose.join(', ')}`);
  }
}

/**
 * Mounts every route of the registry. A route whose auth kind has no authenticator configured is a
 * programming error and stops the boot, rather than being served unprotected.
 */
export function mountRoutes(routes: AnyRouteDefinition[], services: Services, authenticators: Partial<Record<AuthKind, Authenticator>>): Router {
  const router = express.Router();
  const seen = new Set<string>();
  for (const route of routes) {
    const id = `${route.method.toUpperCase()} ${route.path}`;
    if (seen.has(id)) throw new Error(`Route ${id} is declared twice`);
    seen.add(id);
    checkDeclaration(route, id);
    const markSurface = (_req: Request, res: Response, next: NextFunction) => {
      res.locals.surface = route.surface;
      if (route.errorBody) res.locals.errorBody = route.errorBody;
      next();
    };
    const auth: RequestHandler[] = [];
    if (route.auth !== 'public') {
      const authenticator = authenticators[route.auth];
      if (!authenticator) throw new Error(`Route ${id} needs "${route.auth}" authentication, which is not configured`);
      auth.push(authenticator(route));
    }
    // A session on an `apiKeyOrSession` route acts in the organization its body names: read the body first.
    const [beforeAuth, afterAuth] = route.auth === 'apiKeyOrSession' ? [jsonBody(route), []] : [[], jsonBody(route)];
    router[route.method](route.path, markSurface, ...beforeAuth, ...auth, ...rateLimit(route, services), ...afterAuth, handle(route, services));
  }
  return router;
}
