import { describe, expect, it } from 'vitest';
import { featureRoutes } from './routes.js';
import { buildOpenApiDocument } from './openapi.js';
import { systemRoutes } from '../system/routes.js';
import { toOpenApiPath, type AnyRouteDefinition } from './registry.js';

describe('the OpenAPI document', () => {
  it('describes every route of every feature, with its security', () => {
    const routes: AnyRouteDefinition[] = [];
    routes.push(...systemRoutes(() => routes), ...featureRoutes());
    const document = buildOpenApiDocument(routes, '1.2.3') as unknown as {
      info: { version: string };
      paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown }>>;
    };
    expect(document.info.version).toBe('1.2.3');
    for (const route of routes) {
      const operation = document.paths[toOpenApiPath(route.path)]?.[route.method];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      if (route.auth !== 'public') expect(operation!.security, `${route.method} ${route.path}`).toBeDefined();
      if (route.request?.body) expect(operation!.requestBody, `${route.method} ${route.path}`).toBeDefined();
    }
    expect(JSON.stringify(document)).toContain('"format":"date-time"');
  });
});
