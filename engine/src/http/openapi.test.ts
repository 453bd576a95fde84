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

  it("documents each route's security from the auth it declares, whatever its surface", () => {
    const routes: AnyRouteDefinition[] = [];
    routes.push(...systemRoutes(() => routes), ...featureRoutes());
    const document = buildOpenApiDocument(routes, '1.2.3') as unknown as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const securityOf = (method: string, path: string) => document.paths[path]?.[method]?.security;
    const apiKey = [{ ApiKeyHeader: [] }, { BearerApiKey: [] }];
    const session = [{ SessionCookie: [] }, { ClerkBearer: [] }];
    const expected = { public: undefined, apiKey, session, apiKeyOrSession: [...apiKey, ...session] };
    for (const route of routes) expect(securityOf(route.method, toOpenApiPath(route.path)), `${route.method} ${route.path}`).toEqual(expected[route.auth]);
    // The cases a surface-wide rule got wrong: public dashboard routes, the Clerk webhook, Bearer on the original API.
    for (const path of ['/api/dashboard/auth/state', '/api/dashboard/auth/setup', '/api/dashboard/auth/sign-in', '/api/dashboard/auth/password-reset']) {
      const operations = Object.values(document.paths[path] ?? {});
      expect(operations.length, path).toBeGreaterThan(0);
      for (const operation of operations) expect(operation.security, path).toBeUndefined();
    }
    expect(document.paths['/clerk-webhook']?.post).toBeDefined();
    expect(securityOf('post', '/clerk-webhook')).toBeUndefined();
    expect(securityOf('get', '/api/prompts')).toEqual(expected.apiKey);
    // The original's streaming edit takes a project API key or a session: every scheme of both.
    expect(securityOf('post', '/api/edit-prompt/stream')).toEqual([...apiKey, ...session]);
  });
});
