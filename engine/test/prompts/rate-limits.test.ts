import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../../src/data/postgres/provider.js';
import type { DataProvider, WriteContext } from '../../src/data/provider.js';
import { apiKeyPrefix, generateApiKey, sha256Hex } from '../../src/lib/tokens.js';
import { serveApp, silentLogger, testConfig } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';

/** /api/v1's per-key limits (API_RATE_LIMIT_*), on the fast lane and the full routes alike. */
describe('public API rate limits', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  /** A second replica: its own app and connection pool on the same database. */
  let replicaProvider: DataProvider;
  let replica: Awaited<ReturnType<typeof serveApp>>;
  const keys: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    const config = testConfig({ API_RATE_LIMIT_READS_PER_MINUTE: '5', API_RATE_LIMIT_WRITES_PER_MINUTE: '2' });
    server = await serveApp(provider, { config });
    replicaProvider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    replica = await serveApp(replicaProvider, { config });
    const system: WriteContext = { actor: { type: 'system' } };
    const user = await provider.users.create(system, { email: 'limits@example.test' });
    const organization = await provider.orgs.create(system, { name: 'Limits', ownerUserId: user.id });
    const project = await provider.projects.create(system, organization.id, { name: 'Limits' });
    for (let n = 0; n < 3; n++) {
      const key = generateApiKey();
      keys.push(key);
      await provider.apiKeys.create(system, organization.id, project.id, { name: `key ${n}`, keyHash: sha256Hex(key), keyPrefix: apiKeyPrefix(key), expiresAt: null });
    }
    await provider.prompts.create(system, project.id, { key: 'hello', name: 'Hello' }, { template: 'Hello', variables: [], labels: ['production'] });
  });
  afterAll(async () => {
    await Promise.all([server?.close(), replica?.close()]);
    await Promise.all([provider?.close(), replicaProvider?.close()]);
    await database?.drop();
  });

  const get = (path: string, key = keys[0]!, base = server.url) => fetch(`${base}${path}`, { headers: { 'x-api-key': key } });

  /** Waits for a fresh minute if this one is nearly over, so a few requests cannot straddle two windows. */
  const sameMinute = async () => {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
  };

  it('answers 429 with Retry-After once a key has used its reads for the minute, and counts each key apart', async () => {
    await sameMinute();
    const statuses: number[] = [];
    for (let n = 0; n < 5; n++) statuses.push((await get(n % 2 ? '/api/v1/prompts/hello' : '/api/v1/prompts')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await get('/api/v1/prompts/hello');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited', message: expect.stringContaining('5 reads per minute') } });
    expect((await get('/api/v1/prompts/hello', keys[1])).status).toBe(200);
  }, 20_000);

  it('limits writes separately', async () => {
    const save = () =>
      fetch(`${server.url}/api/v1/prompts`, { method: 'POST', headers: { 'x-api-key': keys[1]!, 'content-type': 'application/json' }, body: JSON.stringify({ key: 'hello', template: 'Hi' }) });
    await sameMinute();
    expect([(await save()).status, (await save()).status, (await save()).status]).toEqual([201, 201, 429]);
  }, 20_000);

  it('shares a key\'s limit between replicas: behind two engines it still gets 5 reads a minute, not 10', async () => {
    await sameMinute();
    const statuses: number[] = [];
    for (let n = 0; n < 8; n++) statuses.push((await get('/api/v1/prompts/hello', keys[2], n % 2 ? replica.url : server.url)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const writes: number[] = [];
    for (const base of [server.url, replica.url, replica.url]) {
      const saved = await fetch(`${base}/api/v1/prompts`, { method: 'POST', headers: { 'x-api-key': keys[2]!, 'content-type': 'application/json' }, body: JSON.stringify({ key: 'hello', template: 'Hey' }) });
      writes.push(saved.status);
    }
    expect(writes).toEqual([201, 201, 429]);
  }, 20_000);
});
