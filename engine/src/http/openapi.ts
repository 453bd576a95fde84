import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { toOpenApiPath, type AnyRouteDefinition } from './registry.js';

const errorSchemaRef = { $ref: '#/components/schemas/Error' };

const securityBySurface: Record<'v1' | 'compat' | 'dashboard', Array<Record<string, string[]>>> = {
  v1: [{ ApiKeyHeader: [] }, { BearerApiKey: [] }],
  compat: [{ ApiKeyHeader: [] }],
  dashboard: [{ SessionCookie: [] }, { ClerkBearer: [] }],
};

/** The OpenAPI 3.1 document of every registered route, generated from the same zod schemas that validate. */
export function buildOpenApiDocument(routes: AnyRouteDefinition[], version: string): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'ApiKeyHeader', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  registry.registerComponent('securitySchemes', 'BearerApiKey', { type: 'http', scheme: 'bearer', description: 'A project API key (fp_proj_…)' });
  registry.registerComponent('securitySchemes', 'SessionCookie', { type: 'apiKey', in: 'cookie', name: 'fp_session' });
  registry.registerComponent('securitySchemes', 'ClerkBearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  registry.registerComponent('schemas', 'Error', {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      },
    },
  });

  for (const route of routes) {
    const body = route.request?.body as z.ZodType | undefined;
    registry.registerPath({
      method: route.method,
      path: toOpenApiPath(route.path),
      summary: route.summary,
      description: route.description,
      tags: route.tags,
      ...(route.surface !== 'system' && { security: securityBySurface[route.surface] }),
      request: {
        params: route.request?.params,
        query: route.request?.query,
        ...(body && {
          body: { content: { 'application/json': { schema: body } } },
        }),
      },
      responses: {
        ...Object.fromEntries(
          Object.entries(route.responses).map(([status, response]) => [
            status,
            {
              description: response.description,
              ...(response.schema && { content: { 'application/json': { schema: response.schema } } }),
            },
          ]),
        ),
        ...(route.surface !== 'system' && {
          default: { description: 'Error', content: { 'application/json': { schema: errorSchemaRef } } },
        }),
      },
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
