import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { DEFAULT_BODY_LIMIT_BYTES, toOpenApiPath, type AnyRouteDefinition, type AuthKind } from './registry.js';

/** `{ error: { code, message, details } }`: errors of the public, dashboard and system APIs (error-handler.ts). */
export const errorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z
        .looseObject({
          issues: z.array(z.object({ path: z.string().describe('e.g. `body.name`, `query.limit`'), message: z.string() })).optional(),
          retryAfter: z.int().optional(),
          requestId: z.string().optional(),
        })
        .optional(),
    }),
  })
  .meta({ id: 'Error' });

/** The original API's errors: `{ error: "message", code }`. */
export const compatErrorResponse = z.object({ error: z.string(), code: z.string() }).meta({ id: 'CompatError' });

/** The original API's 429: `{ error, retryAfter, message }` (and our `code`). */
export const compatRateLimitedResponse = z
  .object({ error: z.string(), code: z.literal('rate_limited'), retryAfter: z.int().describe('Seconds'), message: z.string() })
  .meta({ id: 'CompatRateLimited' });

/**
 * What each auth kind accepts, whatever the surface: an API key in X-API-Key or as a Bearer token
 * (access/api-key-cache.ts), a session cookie or a Clerk token (access/authenticators.ts), or any of
 * them (`apiKeyOrSession`: OpenAPI's alternatives). Public
 * routes (sign-in, set-up, password reset, the Clerk webhook, health) declare none.
 */
type Security = Array<Record<string, string[]>>;
const apiKeySecurity: Security = [{ ApiKeyHeader: [] }, { BearerApiKey: [] }];
const sessionSecurity: Security = [{ SessionCookie: [] }, { ClerkBearer: [] }];
const securityByAuth: Record<Exclude<AuthKind, 'public'>, Security> = {
  apiKey: apiKeySecurity,
  session: sessionSecurity,
  apiKeyOrSession: [...apiKeySecurity, ...sessionSecurity],
};

/**
 * The errors the router, the authenticators and the error handler answer for a route, whatever its
 * handler does; errors particular to a route (404, 409 …) are declared in its `responses`.
 */
function commonErrors(route: AnyRouteDefinition): Record<number, string> {
  const { request } = route;
  const errors: Record<number, string> = {};
  if (request?.params || request?.query || request?.body) errors[400] = 'Invalid request: `details.issues` names each field (`params.…`, `query.…`, `body.…`)';
  if (route.auth === 'apiKey') errors[401] = 'No API key, or one that is unknown, revoked or expired';
  if (route.auth === 'session') {
    errors[401] = 'Not signed in';
    errors[403] = 'Your role does not allow this, or the request failed the CSRF check';
  }
  if (route.auth === 'apiKeyOrSession') {
    errors[401] = 'Neither a valid project API key nor a session';
    errors[403] = 'With a session: your role does not allow this, or the request failed the CSRF check';
  }
  if (request?.body || route.rawBody) errors[413] = `Body larger than ${route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES} bytes`;
  if (request?.body && !route.rawBody) errors[415] = 'Body is not JSON';
  // Every public API route also counts its key's reads or writes per minute (API_RATE_LIMIT_*, see router.ts).
  if (route.surface === 'v1' && route.auth === 'apiKey') errors[429] = "More requests this minute than the key's limit (API_RATE_LIMIT_*); retry after Retry-After seconds";
  if (route.rateLimit) errors[429] = `More than ${route.rateLimit.limit} requests in ${route.rateLimit.windowSeconds} s with this key; retry after Retry-After seconds`;
  if (route.surface !== 'system') errors[503] = 'The database is unreachable or busy; retry after Retry-After seconds';
  return errors;
}

function errorSchema(route: AnyRouteDefinition, status: number): z.ZodType {
  if (route.surface !== 'compat') return errorResponse;
  return status === 429 ? compatRateLimitedResponse : compatErrorResponse;
}

/**
 * Every status the route answers with: its declared ones (an error without a schema gets its
 * surface's error shape) and the common errors. Dashboard errors are not listed one by one: `default`.
 */
function responsesOf(route: AnyRouteDefinition) {
  const declared = Object.entries(route.responses).map(([status, response]) => ({ status: Number(status), ...response }));
  const common = Object.entries(commonErrors(route))
    .filter(([status]) => !(status in route.responses))
    .map(([status, description]) => ({ status: Number(status), description, schema: undefined, alsoAs: undefined }));
  const responses = Object.fromEntries(
    [...declared, ...common].map(({ status, description, schema, alsoAs }) => {
      const body = schema ?? (status >= 400 ? errorSchema(route, status) : undefined);
      const mediaTypes = [...(alsoAs ?? []), ...(status >= 400 && route.errorBody && !alsoAs?.includes(route.errorBody.mediaType) ? [route.errorBody.mediaType] : [])];
      const binary = Object.fromEntries(mediaTypes.map((mediaType) => [mediaType, { schema: { type: 'string' as const, format: 'binary' } }]));
      return [status, { description, ...(body && { content: { 'application/json': { schema: body }, ...binary } }) }];
    }),
  );
  if (route.surface === 'dashboard') responses.default = { description: 'Error', content: { 'application/json': { schema: errorResponse } } };
  return responses;
}

/** The OpenAPI 3.1 document of every registered route, generated from the same zod schemas that validate. */
export function buildOpenApiDocument(routes: AnyRouteDefinition[], version: string): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'ApiKeyHeader', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  registry.registerComponent('securitySchemes', 'BearerApiKey', { type: 'http', scheme: 'bearer', description: 'A project API key (fp_proj_…)' });
  registry.registerComponent('securitySchemes', 'SessionCookie', { type: 'apiKey', in: 'cookie', name: 'fp_session' });
  registry.registerComponent('securitySchemes', 'ClerkBearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

  for (const route of routes) {
    const body = route.request?.body as z.ZodType | undefined;
    registry.registerPath({
      method: route.method,
      path: toOpenApiPath(route.path),
      summary: route.summary,
      description: route.description,
      tags: route.tags,
      ...(route.auth !== 'public' && { security: securityByAuth[route.auth] }),
      request: {
        params: route.request?.params,
        query: route.request?.query,
        ...(body && {
          body: { content: { 'application/json': { schema: body } } },
        }),
      },
      responses: responsesOf(route),
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'ForPrompt Appliance API',
      version,
      description:
        'The public SDK API (`/api/v1`, project API keys), the original ForPrompt REST API kept for existing clients, and the dashboard API.',
    },
    servers: [{ url: '/' }],
  });
}
