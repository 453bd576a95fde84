import compression from 'compression';
import cookieParser from 'cookie-parser';
import cors from 'cors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config.js';
import { withRequestId } from '../logger.js';
import { NotFoundError } from '../errors.js';
import { createAuthenticators } from '../access/authenticators.js';
import { assertSameOrigin } from '../auth/session-cookie.js';
import { systemRoutes } from '../system/routes.js';
import { featureRoutes } from './routes.js';
import { requestIdFrom } from './request-id.js';
import { requestLogLevel } from './request-line.js';
import { createFastLane } from '../prompts/fast-lane.js';
import { createIngestLane } from '../traces/ingest-lane.js';
import { errorHandler } from './error-handler.js';
import type { AnyRouteDefinition, AuthKind } from './registry.js';
import { mountRoutes, type Authenticator } from './router.js';
import type { Services } from './services.js';
import { staticUi } from './static-ui.js';

export interface AppOptions {
  /** Routes to mount instead of the features' (tests probing the registry); system routes always. */
  routes?: AnyRouteDefinition[];
  /** Replace the authenticators built from the services (tests). */
  authenticators?: Partial<Record<AuthKind, Authenticator>>;
  /** The built dashboard (defaults to ui/dist). */
  uiDirectory?: string;
}

export interface EngineApp {
  app: Express;
  /** What the HTTP server runs: the hot-path fast lane, then the Express app. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Every mounted route: the registry that tests and the OpenAPI document enumerate. */
  routes: AnyRouteDefinition[];
}


/** Invitation and reset links carry their secret in the path: logs keep the shape, not the token. */
export function redactLinkTokens(path: string): string {
  return path.replace(/(\/(?:invite|reset-password|invitations)\/)[^/]+/g, '$1[redacted]');
}

/**
 * Everything the dashboard loads is bundled: nothing comes from another origin — except, in Clerk
 * mode, Clerk's own scripts, API, images and bot protection (as Clerk's CSP guide lists them).
 */
function contentSecurityPolicy(config: Config, https: boolean) {
  const clerk = config.auth.provider === 'clerk' ? clerkFrontendApi(config.auth.clerk.publishableKey) : null;
  const clerkHosts = clerk ? [clerk, 'https://*.protect.clerk.com:*'] : [];
  const challenges = clerk ? ['https://challenges.cloudflare.com'] : [];
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...clerkHosts, ...challenges],
    imgSrc: ["'self'", 'data:', ...(clerk ? ['https://img.clerk.com'] : [])],
    styleSrc: ["'self'", "'unsafe-inline'"],
    connectSrc: ["'self'", ...clerkHosts],
    workerSrc: ["'self'", 'blob:'],
    frameSrc: ["'self'", ...challenges, ...(clerk ? ['https://*.protect.clerk.com'] : [])],
    upgradeInsecureRequests: https ? [] : null,
  };
}

/** Clerk's publishable key encodes its Frontend API host: `pk_live_<base64("clerk.example.com$")>`. */
export function clerkFrontendApi(publishableKey: string | undefined): string | null {
  const encoded = /^pk_(?:test|live)_(.+)$/.exec(publishableKey ?? '')?.[1];
  if (!encoded) return null;
  const host = Buffer.from(encoded, 'base64').toString('utf8').replace(/\$$/, '');
  return /^[a-z0-9.-]+$/i.test(host) ? `https://${host}` : null;
}

/** Builds the Express app without listening, so tests can drive it directly. */
export function createApp(services: Services, options: AppOptions = {}): EngineApp {
  const { config, logger } = services;
  const routes: AnyRouteDefinition[] = [];
  routes.push(...systemRoutes(() => routes), ...(options.routes ?? featureRoutes()));

  const app = express();
  app.disable('x-powered-by');
  // Routes that want an ETag set a strong one of their own; hashing every other body is wasted work.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      // The request id (`req.id`, and the X-Request-Id header) is set by `handler` below, before the fast lane.
      logger,
      customLogLevel: (_req, res, error) => requestLogLevel(res.statusCode, error),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      quietReqLogger: true,
      // Method, path and status only: headers carry credentials and query strings may carry content.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, path: redactLinkTokens(req.url.split('?')[0] ?? '') }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  const https = config.publicUrl.startsWith('https://');
  const securityHeaders = helmet({ contentSecurityPolicy: { directives: contentSecurityPolicy(config, https) }, strictTransportSecurity: https });
  app.use(securityHeaders);
  // Pages, bundles and read answers are compressed; write acknowledgements (ingestion's above all) are
  // small and frequent, and compressing them cost more CPU than it saved.
  app.use(compression({ filter: (req, res) => (req.method === 'GET' || req.method === 'HEAD') && compression.filter(req, res) }));
  if (config.corsOrigins.length > 0) {
    app.use(cors({ origin: config.corsOrigins, credentials: true, exposedHeaders: ['X-Request-Id', 'ETag', 'Retry-After'] }));
  }

  app.use(cookieParser());
  // Cookie-authenticated browsers: a state-changing dashboard request must come from our own origin.
  app.use('/api/dashboard', (req, _res, next) => {
    assertSameOrigin(req, config);
    next();
  });
  app.use(mountRoutes(routes, services, options.authenticators ?? createAuthenticators(services, services.identify)));
  app.use('/api', (req, _res, next) => next(new NotFoundError(`API route ${req.method} ${req.originalUrl.split('?')[0]}`, 'route_not_found')));
  app.use(staticUi(options.uiDirectory));
  app.use((req, _res, next) => next(new NotFoundError(`${req.method} ${req.path}`, 'route_not_found')));
  app.use(errorHandler(logger));

  // Hot paths served before Express; a request a lane does not take goes to the next, then to the app.
  const securityHeaderValues = headersOf(securityHeaders);
  const lanes = options.routes ? [] : [createFastLane(services, securityHeaderValues), createIngestLane(services, routes, securityHeaderValues)].filter((lane) => lane !== null);
  const serve = (req: IncomingMessage, res: ServerResponse, reqId: string, laneIndex = 0): void => {
    const lane = lanes[laneIndex];
    if (!lane) return void app(req, res);
    lane(req, res, reqId).then(
      (handled) => {
        if (!handled) serve(req, res, reqId, laneIndex + 1);
      },
      () => serve(req, res, reqId, laneIndex + 1),
    );
  };
  // The request id is chosen before anything runs, so that every log line of the request carries it
  // (logger.ts); pino-http keeps a `req.id` it finds.
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const reqId = requestIdFrom(req.headers['x-request-id']);
    req.id = reqId;
    res.setHeader('X-Request-Id', reqId);
    withRequestId(reqId, () => serve(req, res, reqId));
  };
  return { app, routes, handler };
}

/** The headers a middleware sets, recorded once (helmet's are the same for every response). */
function headersOf(middleware: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | string[]) => void (headers[name] = Array.isArray(value) ? value.join(', ') : String(value)),
    removeHeader: (name: string) => void delete headers[name],
    getHeader: (name: string) => headers[name],
  };
  middleware({ headers: {} } as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return headers;
}
