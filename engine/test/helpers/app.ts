import http from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresProvider } from '../../src/data/postgres/provider.js';
import { createTestDatabase } from './db.js';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import type { DataProvider, WriteContext } from '../../src/data/provider.js';
import { createApp, type AppOptions } from '../../src/http/app.js';
import { createServices, type ServiceInputs, type Services } from '../../src/http/services.js';
import { buildOpenApiDocument } from '../../src/http/openapi.js';
import { toOpenApiPath, type AnyRouteDefinition } from '../../src/http/registry.js';
import { featureRoutes } from '../../src/http/routes.js';
import { apiKeyPrefix, generateApiKey, sha256Hex } from '../../src/lib/tokens.js';
import { systemRoutes } from '../../src/system/routes.js';
import { isPublicPath, ResponseContract, type OpenApiDocument } from './openapi-contract.js';
import { checkingResponses } from './response-check.js';

export const testEncryptionKey = Buffer.alloc(32, 7);

export function testServices(provider: DataProvider, config: Config = testConfig(), identify?: ServiceInputs['identify']): Services {
  return createServices({ config, provider, logger: silentLogger, version: '0.0.0-test', encryptionKey: testEncryptionKey, identify });
}

export const silentLogger = pino({ level: 'silent' });

/** No test reaches a real AI provider: their URLs point at a closed local port unless a test gives its own server. */
const OFFLINE_AI = { OPENROUTER_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ FORPROMPT_HOME: '/tmp/forprompt-test-home', LOG_LEVEL: 'silent', ...OFFLINE_AI, ...overrides });
}

/**
 * The contract of an app serving `routes`: their document, with the engine's own public routes held
 * to the public rules (routes a test declares to probe the machinery are not).
 */
function contractForRoutes(routes: AnyRouteDefinition[]): ResponseContract {
  const own = new Set([...systemRoutes(() => []), ...featureRoutes()].map((route) => `${route.method} ${toOpenApiPath(route.path)}`));
  const document = buildOpenApiDocument(routes, '0.0.0-test') as unknown as OpenApiDocument;
  return new ResponseContract(document, (method, path) => isPublicPath(path) && own.has(`${method} ${path}`));
}

/**
 * The engine's app on a real HTTP port, for tests that speak HTTP to it. Every response is checked
 * against the app's OpenAPI document (see response-check.ts).
 */
export async function serveApp(provider: DataProvider, options: AppOptions & { config?: Config; identify?: ServiceInputs['identify'] } = {}) {
  const config = options.config ?? testConfig();
  const { handler, routes } = createApp(testServices(provider, config, options.identify), options);
  const server = http.createServer(checkingResponses(handler, contractForRoutes(routes)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    routes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * An owner, an organization and a project made through the provider, with a project API key (the
 * secret, to send as `x-api-key`). `name` keeps the owner's email unique within the database.
 */
export async function projectWithApiKey(provider: DataProvider, name: string): Promise<{ organizationId: string; projectId: string; apiKey: string }> {
  const system: WriteContext = { actor: { type: 'system' } };
  const user = await provider.users.create(system, { email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com` });
  const organization = await provider.orgs.create(system, { name: `Org ${name}`, ownerUserId: user.id });
  const project = await provider.projects.create(system, organization.id, { name: `Project ${name}` });
  const apiKey = generateApiKey();
  await provider.apiKeys.create(system, organization.id, project.id, { name: 'test', keyHash: sha256Hex(apiKey), keyPrefix: apiKeyPrefix(apiKey), expiresAt: null });
  return { organizationId: organization.id, projectId: project.id, apiKey };
}

/**
 * For one test file: a served app on a fresh copy of the template database with two projects ("a" and
 * "b"), each with an API key; closed and dropped after the file.
 */
export function servedAppWithTwoProjects(names: { a: string; b: string }): { readonly url: string; keys: { a: string; b: string } } {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let provider: DataProvider | undefined;
  let server: Awaited<ReturnType<typeof serveApp>> | undefined;
  const app = {
    get url() {
      if (!server) throw new Error('the app is not serving yet');
      return server.url;
    },
    keys: { a: '', b: '' },
  };
  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    server = await serveApp(provider);
    app.keys.a = (await projectWithApiKey(provider, names.a)).apiKey;
    app.keys.b = (await projectWithApiKey(provider, names.b)).apiKey;
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.drop();
  });
  return app;
}
