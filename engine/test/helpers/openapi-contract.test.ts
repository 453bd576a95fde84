import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPostgresProvider } from '../../src/data/postgres/provider.js';
import type { DataProvider } from '../../src/data/provider.js';
import { buildOpenApiDocument } from '../../src/http/openapi.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../../src/http/registry.js';
import { serveApp, silentLogger } from './app.js';
import { createTestDatabase } from './db.js';
import { ResponseContract, type ObservedResponse, type OpenApiDocument } from './openapi-contract.js';
import { checkFetchedResponses, throwContractViolations } from './response-check.js';

const item = z.object({ id: z.uuid(), name: z.string(), createdAt: z.date(), tags: z.array(z.object({ label: z.string() })).optional() });
const letEveryoneIn = () => (_req: unknown, _res: unknown, next: () => void) => next();

/** Probe routes: whatever the test stores in `served` is what they answer. */
let served: { status: number; body: unknown } = { status: 200, body: null };
const probe = (path: string, surface: 'v1' | 'compat' | 'dashboard'): AnyRouteDefinition =>
  defineRoute({
    method: 'get',
    path,
    surface,
    auth: surface === 'compat' ? 'public' : surface === 'v1' ? 'apiKey' : 'session',
    permission: surface === 'dashboard' ? 'self' : undefined,
    summary: 'Probe',
    tags: ['probe'],
    responses: { 200: { description: 'The item', schema: item }, 404: { description: 'No such item' } },
    handler: async () => new Reply(served.status, served.body),
  });
const routes = [
  probe('/api/v1/items/:itemId', 'v1'),
  probe('/api/v1/items/latest', 'v1'),
  probe('/api/items/:itemId', 'compat'),
  probe('/api/dashboard/items/:itemId', 'dashboard'),
];
/** Every probe held to the public rules but the dashboard's. */
const contract = new ResponseContract(buildOpenApiDocument(routes, 'test') as unknown as OpenApiDocument, (_method, path) => !path.startsWith('/api/dashboard/'));

const validItem = { id: '3f1c2a56-0a4b-4c1e-9d7e-2b1f6c3a9e10', name: 'Item', createdAt: '2024-05-01T10:00:00.000Z' };
const response = (url: string, status: number, body: unknown, contentType = 'application/json; charset=utf-8'): ObservedResponse => ({
  method: 'GET',
  url,
  status,
  contentType,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('checking responses against the OpenAPI document', () => {
  it('finds the operation of a concrete path, a literal segment before a parameter, ignoring case, query and a trailing slash', () => {
    expect(contract.find('GET', '/api/v1/items/abc?x=1')?.path).toBe('/api/v1/items/{itemId}');
    expect(contract.find('get', '/api/v1/items/latest')?.path).toBe('/api/v1/items/latest');
    expect(contract.find('HEAD', '/API/V1/items/abc/')?.path).toBe('/api/v1/items/{itemId}');
    expect(contract.find('GET', '/api/v1/items/abc/deeper')).toBeUndefined();
    expect(contract.find('POST', '/api/v1/items/abc')).toBeUndefined();
  });

  it('accepts a body that matches its schema, with dates as ISO strings', () => {
    expect(contract.violation(response('/api/v1/items/a', 200, validItem))).toBeNull();
    expect(contract.violation(response('/api/v1/items/a', 404, { error: { code: 'not_found', message: 'Item not found' } }))).toBeNull();
    expect(contract.violation(response('/api/items/a', 404, { error: 'Item not found', code: 'not_found' }))).toBeNull();
  });

  it('names the route, the status and each mismatch', () => {
    const violation = contract.violation(response('/api/v1/items/a', 200, { ...validItem, id: 'not-a-uuid', createdAt: 1714557600000, name: undefined }));
    expect(violation).toContain('GET /api/v1/items/a (GET /api/v1/items/{itemId}) answered 200');
    expect(violation).toMatch(/\/id must match format "uuid"/);
    expect(violation).toMatch(/\/createdAt must be string/);
    expect(violation).toMatch(/must have required property 'name'/);
  });

  it('refuses a date that is not date-time, and the wrong error shape for the surface', () => {
    expect(contract.violation(response('/api/v1/items/a', 200, { ...validItem, createdAt: 'yesterday' }))).toMatch(/createdAt must match format "date-time"/);
    expect(contract.violation(response('/api/v1/items/a', 404, { error: 'Item not found', code: 'not_found' }))).toMatch(/\/error must be object/);
    expect(contract.violation(response('/api/items/a', 404, { error: { code: 'not_found', message: 'Item not found' } }))).toMatch(/\/error must be string/);
  });

  it('refuses fields a public response does not document, at any depth; the dashboard may send more', () => {
    expect(contract.violation(response('/api/v1/items/a', 200, { ...validItem, secret: 'x' }))).toMatch(/\(body\) has a field the document does not describe: "secret"/);
    expect(contract.violation(response('/api/v1/items/a', 200, { ...validItem, tags: [{ label: 'a', colour: 'red' }] }))).toMatch(/\/tags\/0 has a field the document does not describe: "colour"/);
    expect(contract.violation(response('/api/dashboard/items/a', 200, { ...validItem, secret: 'x' }))).toBeNull();
  });

  it('refuses a status a public route does not document, except 5xx; the dashboard may answer any', () => {
    expect(contract.violation(response('/api/v1/items/a', 409, { error: { code: 'conflict', message: 'x' } }))).toMatch(/answered 409, a status its OpenAPI operation does not document \(it documents 200, 401, 404, 429, 503\)/);
    expect(contract.violation(response('/api/v1/items/a', 500, { error: { code: 'internal_error', message: 'x' } }))).toBeNull();
    expect(contract.violation(response('/api/dashboard/items/a', 409, { error: { code: 'conflict', message: 'x' } }))).toBeNull();
    expect(contract.violation(response('/api/dashboard/items/a', 409, { error: 'flat' }))).toMatch(/\/error must be object/);
  });

  it('refuses a body that is not JSON where the document says JSON', () => {
    expect(contract.violation(response('/api/v1/items/a', 200, '<html>', 'text/html'))).toMatch(/content type "text\/html"; the document says application\/json/);
    expect(contract.violation(response('/api/v1/items/a', 200, '{"id": '))).toMatch(/not JSON/);
  });
});

describe('responses of a served app', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    server = await serveApp(provider, { routes, authenticators: { apiKey: letEveryoneIn, session: letEveryoneIn } });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.drop();
  });

  it('are checked as they are sent, compressed or not, and a mismatch fails the test', async () => {
    served = { status: 200, body: { ...validItem, name: 42 } };
    expect((await fetch(`${server.url}/api/items/a`)).status).toBe(200);
    expect(() => throwContractViolations()).toThrow(/GET \/api\/items\/a \(GET \/api\/items\/\{itemId\}\) answered 200 with a body that does not match[^]*\/name must be string/);

    // Over a kilobyte, and asked for gzip: the app compresses it.
    served = { status: 200, body: { ...validItem, name: 'x'.repeat(4000), createdAt: 'not a date' } };
    const compressed = await fetch(`${server.url}/api/items/a`, { headers: { 'accept-encoding': 'gzip' } });
    expect(compressed.headers.get('content-encoding')).toBe('gzip');
    await compressed.text();
    expect(() => throwContractViolations()).toThrow(/\/createdAt must match format "date-time"/);

    served = { status: 200, body: validItem };
    expect((await fetch(`${server.url}/api/items/a`)).status).toBe(200);
    expect(() => throwContractViolations()).not.toThrow();
  });
});

describe('responses a spawned engine sends to fetch', () => {
  it('are checked once the engine is registered, and no longer once it is forgotten', async () => {
    const engine = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...validItem, createdAt: 'soon' })));
    await new Promise<void>((resolve) => engine.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(engine.address() as AddressInfo).port}`;
    try {
      const check = checkFetchedResponses(origin, contract);
      const response = await fetch(`${origin}/api/v1/items/a`);
      expect(((await response.json()) as { createdAt: string }).createdAt).toBe('soon');
      expect(() => throwContractViolations()).toThrow(/GET \/api\/v1\/items\/a \(GET \/api\/v1\/items\/\{itemId\}\) answered 200[^]*createdAt must match format "date-time"/);
      check.forget();
      await (await fetch(`${origin}/api/v1/items/a`)).text();
      expect(() => throwContractViolations()).not.toThrow();
    } finally {
      await new Promise((resolve) => engine.close(resolve));
    }
  });
});
