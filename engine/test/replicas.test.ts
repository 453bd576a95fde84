import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/db.js';
import { startEngine, type RunningEngine } from './helpers/engine-process.js';

const apiKey = `fp_proj_${'Replica0'.repeat(4)}`;

/** Two engine processes on one database, as a scaled-out install runs: caches must never serve stale data. */
describe('several engine replicas', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let home: string;
  let engines: RunningEngine[];

  beforeAll(async () => {
    database = await createTestDatabase();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-replicas-'));
    const env = (name: string) => ({
      DATA_PROVIDER: 'postgresql',
      DATABASE_URL: database.url,
      ENCRYPTION_KEY: '12'.repeat(32),
      FORPROMPT_HOME: path.join(home, name),
      FORPROMPT_INIT_USER_EMAIL: 'ops@example.com',
      FORPROMPT_INIT_USER_PASSWORD: 'replicated-secret',
      FORPROMPT_INIT_ORG_NAME: 'Ops',
      FORPROMPT_INIT_PROJECT_NAME: 'Scaled',
      FORPROMPT_INIT_PROJECT_API_KEY: apiKey,
    });
    engines = await Promise.all([startEngine({ env: env('a') }), startEngine({ env: env('b') })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(engines?.map((engine) => engine.stop()) ?? []);
    await database?.drop();
    await fs.rm(home, { recursive: true, force: true });
  });

  const call = (engine: RunningEngine, pathname: string, init: RequestInit = {}) =>
    fetch(`${engine.url}${pathname}`, { ...init, headers: { 'x-api-key': apiKey, 'content-type': 'application/json', ...init.headers } });
  const servedVersion = async (engine: RunningEngine) => ((await (await call(engine, '/api/v1/prompts/shared')).json()) as { version: number }).version;

  it('serves a deploy made on one replica from the other at once', async () => {
    const [a, b] = engines as [RunningEngine, RunningEngine];
    await call(a, '/api/v1/prompts', { method: 'POST', body: JSON.stringify({ key: 'shared', template: 'one', labels: ['production'] }) });
    await call(a, '/api/v1/prompts', { method: 'POST', body: JSON.stringify({ key: 'shared', template: 'two' }) });
    expect(await servedVersion(b)).toBe(1); // now cached on b
    expect(await servedVersion(b)).toBe(1);
    await call(a, '/api/v1/prompts/shared/labels', { method: 'PATCH', body: JSON.stringify({ labels: { production: 2 } }) });
    await expect.poll(() => servedVersion(b), { timeout: 2_000, interval: 20 }).toBe(2);
    // And a rollback through the original API on b reaches a.
    expect(await servedVersion(a)).toBe(2);
    await call(b, '/api/v1/prompts/shared/labels', { method: 'PATCH', body: JSON.stringify({ labels: { production: 1 } }) });
    await expect.poll(() => servedVersion(a), { timeout: 2_000, interval: 20 }).toBe(1);
  });
});
