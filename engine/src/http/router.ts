import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { UnsupportedMediaTypeError } from '../errors.js';
import { DEFAULT_BODY_LIMIT_BYTES, Reply, type AnyRouteDefinition, type AuthKind } from './registry.js';
import type { Services } from './services.js';
import { parsePart, strictBody } from './validate.js';

/** Middleware that authenticates (and authorizes `route.permission`) for one auth kind. */
export type Authenticator = (route: AnyRouteDefinition) => RequestHandler;

function jsonBody(route: AnyRouteDefinition): RequestHandler[] {
  if (!route.request?.body) return [];
  const parse = express.json({ limit: route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, strict: false });
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) {
      next(new UnsupportedMediaTypeError('application/json'));
      return;
    }
    next();
  };
  return [requireJson, parse];
}

function handle(route: AnyRouteDefinition, services: Services): RequestHandler {
  const bodySchema = route.request?.body && (route.surface === 'compat' ? route.request.body : strictBody(route.request.body));
  const defaultStatus = Number(Object.keys(route.responses)[0] ?? 200);
  return async (req: Request, res: Response) => {
    const input = {
      params: route.request?.params ? parsePart('params', route.request.params, req.params) : req.params,
      query: route.request?.query ? parsePart('query', route.request.query, req.query) : {},
      body: bodySchema ? parsePart('body', bodySchema, req.body ?? {}) : undefined,
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
    const markSurface = (_req: Request, res: Response, next: NextFunction) => {
      res.locals.surface = route.surface;
      next();
    };
    const auth: RequestHandler[] = [];
    if (route.auth !== 'public') {
      const authenticator = authenticators[route.auth];
      if (!authenticator) throw new Error(`Route ${id} needs "${route.auth}" authentication, which is not configured`);
      auth.push(authenticator(route));
    }
    router[route.method](route.path, markSurface, ...auth, ...jsonBody(route), handle(route, services));
  }
  return router;
}
