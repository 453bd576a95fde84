import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError } from '../errors.js';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider } from '../data/provider.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { serveApp, silentLogger, testServices } from '../../test/helpers/app.js';
import { createApp } from './app.js';
import { defineRoute, Reply, type AnyRouteDefinition } from './registry.js';

const itemFields = {
  name: z.string().min(1),
  count: z.number().int().optional(),
  options: z.strictObject({ colour: z.string() }).optional(),
};
/** v1 and dashboard bodies are strict objects at every depth; the compatibility API strips unknown fields. */
const itemBody = { v1: z.strictObject(itemFields), compat: z.object({ ...itemFields, options: z.object({ colour: z.string() }).optional() }) };
/** Stands in for API-key authentication (built by the access issue) so the v1 surface can be probed. */
const letEveryoneIn = () => (_req: unknown, _res: unknown, next: () => void) => next();

/** Probe routes on each surface, exercising the registry's validation and error mapping. */
const probeRoutes: AnyRouteDefinition[] = (['v1', 'compat'] as const).flatMap((surface) => {
  const prefix = surface === 'v1' ? '/api/v1' : '/api';
  return [
    defineRoute({
      method: 'post',
      path: `${prefix}/probe/items/:itemId`,
      surface,
      auth: surface === 'v1' ? 'apiKey' : 'public',
      summary: `Echo (${surface})`,
      tags: ['probe'],
      request: { params: z.object({ itemId: z.uuid() }), query: z.object({ dryRun: z.enum(['true', 'false']).optional() }), body: itemBody[surface] },
      responses: { 201: { description: 'Echoed' } },
      bodyLimitBytes: 1024,
      handler: async ({ params, query, body }) => ({ params, query, body }),
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/probe/conflict`,
      surface,
      auth: surface === 'v1' ? 'apiKey' : 'public',
      summary: 'Always conflicts',
      tags: ['probe'],
      responses: { 200: { description: 'Never' } },
      handler: async () => {
        throw new ConflictError('Already there', 'already_there');
      },
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/probe/crash`,
      surface,
      auth: surface === 'v1' ? 'apiKey' : 'public',
      summary: 'Fails unexpectedly',
      tags: ['probe'],
      responses: { 200: { description: 'Never' } },
      handler: async () => {
        throw new Error('secret internal detail at /srv/engine.ts:42');
      },
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/probe/accepted`,
      surface,
      auth: surface === 'v1' ? 'apiKey' : 'public',
      summary: 'Custom status and header',
      tags: ['probe'],
      responses: { 202: { description: 'Accepted' } },
      handler: async () => new Reply(202, { queued: true }, { 'X-Probe': 'yes' }),
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/probe/unvalidated/:projectId`,
      surface,
      auth: surface === 'v1' ? 'apiKey' : 'public',
      summary: 'Passes an unvalidated id to the database',
      tags: ['probe'],
      responses: { 200: { description: 'Found' } },
      handler: async ({ params }, { services }) => services.provider.projects.get(params.projectId as string, params.projectId as string),
    }),
  ];
});

describe('the engine app', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let uiDirectory: string;
  const itemId = '3f1c2a56-0a4b-4c1e-9d7e-2b1f6c3a9e10';

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    uiDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-ui-'));
    await fs.mkdir(path.join(uiDirectory, 'assets'));
    await fs.writeFile(path.join(uiDirectory, 'index.html'), '<!doctype html><title>ForPrompt UI</title>');
    await fs.writeFile(path.join(uiDirectory, 'assets', 'app-abc123.js'), 'console.log(1)');
    server = await serveApp(provider, { routes: probeRoutes, uiDirectory, authenticators: { apiKey: letEveryoneIn } });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.drop();
    await fs.rm(uiDirectory, { recursive: true, force: true });
  });

  const post = (pathname: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${server.url}${pathname}`, { method: 'POST', body, headers });

  describe('system routes', () => {
    it('answers liveness and readiness', async () => {
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'up', migrations: 'applied' });
    });

    it('is not ready while migrations are pending', async () => {
      const empty = await createTestDatabase();
      const client = await import('pg').then(({ default: pg }) => new pg.Client({ connectionString: empty.url }));
      await client.connect();
      await client.query('drop schema drizzle cascade');
      await client.end();
      const unmigrated = createPostgresProvider({ connectionString: empty.url, logger: silentLogger });
      const app = await serveApp(unmigrated);
      try {
        const response = await fetch(`${app.url}/readyz`);
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('2');
        expect(await response.json()).toMatchObject({ error: { code: 'migrations_pending' } });
      } finally {
        await app.close();
        await unmigrated.close();
        await empty.drop();
      }
    });

    it('publishes the public configuration the UI needs, and no secrets', async () => {
      const response = await fetch(`${server.url}/api/config`);
      expect(await response.json()).toEqual({
        version: '0.0.0-test',
        authProvider: 'local',
        dataProvider: 'postgresql',
        ai: { enabled: false, provider: null, defaultModel: null },
        clerkPublishableKey: null,
        publicUrl: 'http://127.0.0.1:3000',
      });
    });

    it('describes every registered route in the OpenAPI document', async () => {
      const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
      };
      expect(document.openapi).toBe('3.1.0');
      for (const route of server.routes) {
        const openApiPath = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        expect(document.paths[openApiPath]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
      }
      const probe = document.paths['/api/v1/probe/items/{itemId}']!.post as { requestBody: { content: Record<string, { schema: { additionalProperties?: boolean } }> } };
      expect(probe.requestBody.content['application/json']!.schema.additionalProperties).toBe(false);
    });

    it('sets a request id on every response and keeps a well-formed incoming one', async () => {
      const generated = await fetch(`${server.url}/healthz`);
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const echoed = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'trace-abc.123' } });
      expect(echoed.headers.get('x-request-id')).toBe('trace-abc.123');
      const refused = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id <script>' } });
      expect(refused.headers.get('x-request-id')).not.toContain('<');
    });

    it('sends security headers', async () => {
      const response = await fetch(`${server.url}/healthz`);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
      expect(response.headers.get('x-powered-by')).toBeNull();
    });
  });

  describe('validation and errors on the v1 surface', () => {
    it('parses params, query and body and answers with the declared status', async () => {
      const response = await post(`/api/v1/probe/items/${itemId}?dryRun=true`, JSON.stringify({ name: 'a', count: 2 }));
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ params: { itemId }, query: { dryRun: 'true' }, body: { name: 'a', count: 2 } });
    });

    it('refuses unknown body fields, naming each one', async () => {
      const response = await post(`/api/v1/probe/items/${itemId}`, JSON.stringify({ name: 'a', colour: 'red', size: 3 }));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; details: { issues: Array<{ path: string }> } } };
      expect(body.error.code).toBe('validation_error');
      expect(body.error.details.issues.map((issue) => issue.path)).toEqual(['body.colour', 'body.size']);
    });

    it('names every invalid field across params, query and body', async () => {
      const response = await post('/api/v1/probe/items/not-a-uuid?dryRun=maybe', JSON.stringify({ name: '', count: 1.5 }));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { message: string; details: { issues: Array<{ path: string }> } } };
      expect(body.error.details.issues.map((issue) => issue.path)).toEqual(['params.itemId']);
      const bodyErrors = await post(`/api/v1/probe/items/${itemId}`, JSON.stringify({ name: '', count: 1.5 }));
      const parsed = (await bodyErrors.json()) as { error: { message: string; details: { issues: Array<{ path: string }> } } };
      expect(parsed.error.details.issues.map((issue) => issue.path).sort()).toEqual(['body.count', 'body.name']);
      expect(parsed.error.message).toContain('body.name');
    });

    it('refuses unknown fields at any depth', async () => {
      const response = await post(`/api/v1/probe/items/${itemId}`, JSON.stringify({ name: 'a', options: { colour: 'red', shade: 'dark' } }));
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { details: { issues: Array<{ path: string; message: string }> } } };
      expect(body.error.details.issues).toEqual([{ path: 'body.options.shade', message: 'unknown field' }]);
    });

    it('reads application/*+json bodies, and a JSON null as null rather than as no body', async () => {
      const patch = await post(`/api/v1/probe/items/${itemId}`, JSON.stringify({ name: 'a', bogus: 1 }), { 'content-type': 'application/merge-patch+json' });
      expect(patch.status).toBe(400);
      expect(await patch.json()).toMatchObject({ error: { details: { issues: [{ path: 'body.bogus' }] } } });
      const nothing = await post(`/api/v1/probe/items/${itemId}`, 'null');
      expect(nothing.status).toBe(400);
      expect(await nothing.json()).toMatchObject({ error: { details: { issues: [{ path: 'body' }] } } });
    });

    it('answers a malformed id that slipped past validation with 400, not 500', async () => {
      const response = await fetch(`${server.url}/api/v1/probe/unvalidated/not-a-uuid`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_value' } });
    });

    it('answers malformed JSON with 400, an oversized body with 413, and a non-JSON body with 415', async () => {
      const malformed = await post(`/api/v1/probe/items/${itemId}`, '{"name": ');
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json' } });
      const oversized = await post(`/api/v1/probe/items/${itemId}`, JSON.stringify({ name: 'x'.repeat(2048) }));
      expect(oversized.status).toBe(413);
      expect(await oversized.json()).toMatchObject({ error: { code: 'payload_too_large' } });
      const form = await post(`/api/v1/probe/items/${itemId}`, 'name=a', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(415);
    });

    it('maps typed errors to their status and hides unexpected ones behind a request id', async () => {
      const conflict = await fetch(`${server.url}/api/v1/probe/conflict`);
      expect(conflict.status).toBe(409);
      expect(await conflict.json()).toEqual({ error: { code: 'already_there', message: 'Already there' } });
      const crash = await fetch(`${server.url}/api/v1/probe/crash`);
      expect(crash.status).toBe(500);
      const text = await crash.text();
      expect(text).not.toContain('secret internal detail');
      expect(text).not.toContain('.ts:');
      expect(JSON.parse(text)).toEqual({
        error: { code: 'internal_error', message: expect.stringContaining('request id'), details: { requestId: crash.headers.get('x-request-id') } },
      });
    });

    it('returns replies with custom status and headers', async () => {
      const response = await fetch(`${server.url}/api/v1/probe/accepted`);
      expect(response.status).toBe(202);
      expect(response.headers.get('x-probe')).toBe('yes');
      expect(await response.json()).toEqual({ queued: true });
    });
  });

  describe('arbitrary input', () => {
    it('never gets a 5xx, and every 400 names the offending fields', async () => {
      const query = fc.dictionary(fc.constantFrom('dryRun', 'x', 'limit', '__proto__'), fc.string({ maxLength: 8 }), { maxKeys: 3 });
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ name: fc.string(), count: fc.anything() })), query, async (body, params) => {
          const search = new URLSearchParams(params as Record<string, string>).toString();
          const response = await post(`/api/v1/probe/items/${itemId}?${search}`, JSON.stringify(body) ?? 'null');
          expect(response.status).toBeLessThan(500);
          if (response.status === 400) {
            const { error } = (await response.json()) as { error: { details: { issues: Array<{ path: string }> } } };
            expect(error.details.issues.length).toBeGreaterThan(0);
            for (const issue of error.details.issues) expect(issue.path).toMatch(/^(body|query|params)(\.|$)/);
          } else {
            await response.body?.cancel();
          }
        }),
        { numRuns: 150, seed: 20261125 },
      );
    });
  });

  describe('the compatibility surface keeps the original error shape', () => {
    it('ignores unknown fields as the original did', async () => {
      const response = await post(`/api/probe/items/${itemId}`, JSON.stringify({ name: 'a', legacyField: true }));
      expect(response.status).toBe(201);
      expect(((await response.json()) as { body: unknown }).body).toEqual({ name: 'a' });
    });

    it('answers errors as { error: "message", code }', async () => {
      expect(await (await fetch(`${server.url}/api/probe/conflict`)).json()).toEqual({ error: 'Already there', code: 'already_there' });
      const invalid = await post(`/api/probe/items/${itemId}`, JSON.stringify({}));
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toEqual({ error: expect.stringContaining('body.name'), code: 'validation_error' });
      const malformed = await post(`/api/probe/items/${itemId}`, '{');
      expect(await malformed.json()).toEqual({ error: 'Request body is not valid JSON', code: 'invalid_json' });
    });
  });

  describe('the dashboard and unknown routes', () => {
    it('serves the SPA for app paths, with a fallback that never swallows API paths', async () => {
      for (const pathname of ['/', '/prompts', '/traces/abc', '/settings?tab=keys']) {
        const response = await fetch(`${server.url}${pathname}`, { headers: { accept: 'text/html' } });
        expect(response.status, pathname).toBe(200);
        expect(await response.text()).toContain('ForPrompt UI');
      }
      for (const pathname of ['/api/nope', '/api/v1/prompts/unknown/deep', '/api', '/api/dashboard/whatever']) {
        const response = await fetch(`${server.url}${pathname}`, { headers: { accept: 'text/html' } });
        expect(response.status, pathname).toBe(404);
        expect(response.headers.get('content-type')).toContain('application/json');
        expect(await response.json()).toMatchObject({ error: { code: 'route_not_found' } });
      }
    });

    it('caches hashed assets for a year and answers a missing asset with 404', async () => {
      const asset = await fetch(`${server.url}/assets/app-abc123.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      const missing = await fetch(`${server.url}/assets/missing.js`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    });

    it('refuses to mount a protected route without its authenticator', () => {
      const route = defineRoute({
        method: 'get',
        path: '/api/v1/secret',
        surface: 'v1',
        auth: 'apiKey',
        summary: 'Needs a key',
        tags: [],
        responses: { 200: { description: 'ok' } },
        handler: async () => ({}),
      });
      expect(() => createApp(testServices(provider), { routes: [route], authenticators: {} })).toThrow(/needs "apiKey" authentication/);
    });

    it('refuses route declarations that would serve the wrong surface, auth or unknown fields', () => {
      const base = { method: 'post' as const, summary: 'x', tags: [], responses: { 200: { description: 'ok' } }, handler: async () => ({}) };
      const mount = (route: AnyRouteDefinition) =>
        createApp(testServices(provider), { routes: [route], authenticators: { apiKey: letEveryoneIn, session: letEveryoneIn } });
      expect(() => mount({ ...base, path: '/api/dashboard/things', surface: 'v1', auth: 'apiKey' })).toThrow(/does not belong to the v1 surface/);
      expect(() => mount({ ...base, path: '/api/v1/things', surface: 'v1', auth: 'public' })).toThrow(/cannot use "public"/);
      expect(() => mount({ ...base, path: '/api/dashboard/things', surface: 'dashboard', auth: 'session' })).toThrow(/needs a permission/);
      expect(() => mount({ ...base, path: '/api/things', surface: 'compat', auth: 'apiKeyOrSession' })).toThrow(/needs a permission/);
      expect(() => mount({ ...base, path: '/api/v1/things', surface: 'v1', auth: 'apiKeyOrSession', permission: 'ai.use' })).toThrow(/cannot use "apiKeyOrSession"/);
      expect(() =>
        mount({ ...base, path: '/api/v1/things', surface: 'v1', auth: 'apiKey', request: { body: z.strictObject({ inner: z.object({ a: z.string() }) }) } }),
      ).toThrow(/z.strictObject at body.inner/);
    });

    it('answers a plain return with the lowest success status the route declares', async () => {
      const route = defineRoute({ ...probeRoutes[0]!, surface: 'compat', auth: 'public', path: '/api/probe/created', method: 'get', request: undefined, responses: { 201: { description: 'Created' }, 200: { description: 'OK' } }, handler: async () => ({ ok: true }) });
      const app = await serveApp(provider, { routes: [route] });
      try {
        expect((await fetch(`${app.url}/api/probe/created`)).status).toBe(200);
      } finally {
        await app.close();
      }
    });
  });
});
