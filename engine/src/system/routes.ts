import { z } from 'zod';
import { aiProviderNames } from '../config.js';
import { ServiceUnavailableError } from '../errors.js';
import { defineRoute, type AnyRouteDefinition } from '../http/registry.js';
import { buildOpenApiDocument } from '../http/openapi.js';

const healthResponse = z.object({ status: z.literal('ok') });
const readyResponse = z.object({
  status: z.literal('ready'),
  database: z.literal('up'),
  migrations: z.literal('applied'),
});
/** The generated document; its parts are OpenAPI's own, not restated here. */
const openApiResponse = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
export const publicConfigResponse = z.object({
  version: z.string(),
  authProvider: z.enum(['local', 'clerk']),
  dataProvider: z.enum(['embedded', 'postgresql', 'convex']),
  ai: z
    .object({ enabled: z.boolean(), provider: z.enum(aiProviderNames).nullable(), defaultModel: z.string().nullable() })
    .describe("The instance's own AI provider; organizations may also bring their own provider keys (GET /api/dashboard/orgs/{orgId}/ai)"),
  clerkPublishableKey: z.string().nullable(),
  publicUrl: z.string().describe('The address users and applications reach this engine at (PUBLIC_URL)'),
});

/** Public routes: liveness, readiness, the UI's public facts, and the API description. */
export function systemRoutes(allRoutes: () => AnyRouteDefinition[]): AnyRouteDefinition[] {
  let openApiDocument: unknown;
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      surface: 'system',
      auth: 'public',
      summary: 'Liveness: the engine process is up',
      tags: ['system'],
      responses: { 200: { description: 'Alive', schema: healthResponse } },
      handler: async () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      surface: 'system',
      auth: 'public',
      summary: 'Readiness: the database is reachable and fully migrated',
      tags: ['system'],
      responses: {
        200: { description: 'Ready to serve', schema: readyResponse },
        503: { description: 'Not ready: the database is unreachable (database_unreachable) or migrations are pending (migrations_pending)' },
      },
      handler: async (_input, { services }) => {
        const health = await services.provider.health();
        if (health.database !== 'up') {
          // The driver's message can name users and hosts: it goes to the log, not to the public.
          services.logger.warn({ detail: health.detail }, 'Readiness check: database unreachable');
          throw new ServiceUnavailableError('Database unreachable', 2, 'database_unreachable');
        }
        if (health.migrations !== 'applied') throw new ServiceUnavailableError('Database migrations are pending', 2, 'migrations_pending');
        return { status: 'ready' as const, database: 'up' as const, migrations: 'applied' as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/config',
      surface: 'system',
      auth: 'public',
      summary: 'Public, non-secret facts the dashboard needs before sign-in',
      tags: ['system'],
      responses: { 200: { description: 'Instance configuration', schema: publicConfigResponse } },
      handler: async (_input, { services: { ai, config, provider, version } }) => ({
        version,
        authProvider: config.auth.provider,
        dataProvider: provider.kind,
        ai: ai.instanceStatus(),
        clerkPublishableKey: config.auth.provider === 'clerk' ? (config.auth.clerk.publishableKey ?? null) : null,
        publicUrl: config.publicUrl,
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      surface: 'system',
      auth: 'public',
      summary: 'This API as an OpenAPI 3.1 document',
      tags: ['system'],
      responses: { 200: { description: 'OpenAPI 3.1 document', schema: openApiResponse } },
      handler: async (_input, { services }) => {
        openApiDocument ??= buildOpenApiDocument(allRoutes(), services.version);
        return openApiDocument;
      },
    }),
  ];
}
