import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateApiKey, sha256Hex } from '../../src/lib/tokens.js';
import { expectStatus, startWorld, type World } from './fixtures.js';
import { errorOf } from './http-client.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

interface KeyCreated {
  apiKey: { id: string; keyPrefix: string; expiresAt: string | null; lastUsedAt: string | null; status: string };
  secret: string;
}

const keysPath = () => `/api/dashboard/orgs/${world.a.orgId}/projects/${world.a.projectId}/api-keys`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createKey(body: Record<string, unknown> = {}): Promise<KeyCreated> {
  const response = await world.api.post<KeyCreated>(keysPath(), { name: 'Test key', ...body }, { session: world.a.users.admin });
  expectStatus(response, 201);
  return response.body;
}

const withKey = (secret: string) => world.api.get<{ id: string }>('/api/v1/project', { headers: { 'x-api-key': secret } });
const withBearer = (secret: string) => world.api.get<{ id: string }>('/api/v1/project', { headers: { authorization: `Bearer ${secret}` } });

async function expectRefused(secret: string, code: string): Promise<void> {
  const response = await withKey(secret);
  expectStatus(response, 401);
  expect(errorOf(response)?.code).toBe(code);
}

async function lastUsedAt(keyId: string): Promise<Date | null> {
  const [row] = await world.sql<{ last_used_at: Date | null }>('select last_used_at from project_api_keys where id = $1', [keyId]);
  return row!.last_used_at;
}

/** `touch` runs after the response; wait until it has written (or give up). */
async function waitForLastUsedChange(keyId: string, previous: Date | null): Promise<Date | null> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const current = await lastUsedAt(keyId);
    if (current?.getTime() !== previous?.getTime()) return current;
    await sleep(25);
  }
  return previous;
}

describe('project API keys', () => {
  it('are fp_proj_ and 32 letters or digits, shown once, and stored only as a SHA-256 hash', async () => {
    const { apiKey, secret } = await createKey({ name: 'Stored as a hash' });
    expect(secret).toMatch(/^fp_proj_[A-Za-z0-9]{32}$/);
    expect(secret.startsWith(apiKey.keyPrefix)).toBe(true);
    expect(apiKey.keyPrefix.length).toBeLessThan(secret.length);

    const [row] = await world.sql('select * from project_api_keys where id = $1', [apiKey.id]);
    expect(row!.key_hash).toBe(sha256Hex(secret));
    for (const [column, value] of Object.entries(row!)) expect(String(value), column).not.toContain(secret);
    const auditRows = await world.sql('select * from audit_log');
    for (const auditRow of auditRows) expect(JSON.stringify(auditRow)).not.toContain(secret);

    const listed = await world.api.get(keysPath(), { session: world.a.users.admin });
    expectStatus(listed, 200);
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain(sha256Hex(secret));
  });

  it('are accepted as X-API-Key and as Authorization: Bearer', async () => {
    const { secret } = await createKey();
    for (const response of [await withKey(secret), await withBearer(secret)]) {
      expectStatus(response, 200);
      expect(response.body.id).toBe(world.a.projectId);
    }
  });

  it('refuses a missing, malformed or unknown key with 401', async () => {
    const missing = await world.api.get('/api/v1/project');
    expectStatus(missing, 401);
    expect(errorOf(missing)?.code).toBe('api_key_required');
    await expectRefused('not-a-key', 'invalid_api_key');
    await expectRefused(generateApiKey(), 'invalid_api_key');
    const { secret } = await createKey();
    await expectRefused(`${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`, 'invalid_api_key');
  });

  it('refuses a revoked key with 401 api_key_revoked', async () => {
    const { apiKey, secret } = await createKey();
    expectStatus(await withKey(secret), 200);
    expectStatus(await world.api.delete(`${keysPath()}/${apiKey.id}`, { session: world.a.users.admin }), 200);
    await expectRefused(secret, 'api_key_revoked');
    const bearer = await withBearer(secret);
    expect(errorOf(bearer)?.code).toBe('api_key_revoked');
  });

  it('refuses an expired key with 401 api_key_expired', async () => {
    const expiresAt = new Date(Date.now() + 1_000);
    const { secret, apiKey } = await createKey({ expiresAt: expiresAt.toISOString() });
    expect(apiKey.status).toBe('expiring');
    expectStatus(await withKey(secret), 200);
    await sleep(expiresAt.getTime() - Date.now() + 50);
    await expectRefused(secret, 'api_key_expired');
  });

  it('refuses an expiry in the past at creation', async () => {
    const response = await world.api.post(keysPath(), { name: 'Already expired', expiresAt: new Date(Date.now() - 1_000).toISOString() }, { session: world.a.users.admin });
    expectStatus(response, 400);
    expect(errorOf(response)?.details?.issues?.map((issue) => issue.path)).toContain('body.expiresAt');
  });

  it('rotate: the new key works and the old one keeps working through the grace period', async () => {
    const old = await createKey();
    const rotated = await world.api.post<KeyCreated>(`${keysPath()}/${old.apiKey.id}/rotate`, { gracePeriodHours: 1 }, { session: world.a.users.admin });
    expectStatus(rotated, 201);
    expect(rotated.body.secret).toMatch(/^fp_proj_[A-Za-z0-9]{32}$/);
    expect(rotated.body.secret).not.toBe(old.secret);
    expectStatus(await withKey(rotated.body.secret), 200);
    expectStatus(await withKey(old.secret), 200);
    const [row] = await world.sql<{ expires_at: Date }>('select expires_at from project_api_keys where id = $1', [old.apiKey.id]);
    expect(Math.abs(row!.expires_at.getTime() - (Date.now() + 3_600_000))).toBeLessThan(60_000);
  });

  it('rotate with gracePeriodHours 0: the old key stops at once', async () => {
    const old = await createKey();
    const rotated = await world.api.post<KeyCreated>(`${keysPath()}/${old.apiKey.id}/rotate`, { gracePeriodHours: 0 }, { session: world.a.users.admin });
    expectStatus(rotated, 201);
    expectStatus(await withKey(rotated.body.secret), 200);
    await expectRefused(old.secret, 'api_key_expired');
  });

  it('rotate refuses a revoked key', async () => {
    const old = await createKey();
    expectStatus(await world.api.delete(`${keysPath()}/${old.apiKey.id}`, { session: world.a.users.admin }), 200);
    const rotated = await world.api.post(`${keysPath()}/${old.apiKey.id}/rotate`, {}, { session: world.a.users.admin });
    expectStatus(rotated, 409);
    expect(errorOf(rotated)?.code).toBe('api_key_revoked');
  });

  it('record their last use, written at most once a minute', async () => {
    const { apiKey, secret } = await createKey();
    expect(await lastUsedAt(apiKey.id)).toBeNull();
    expectStatus(await withKey(secret), 200);
    const firstUse = await waitForLastUsedChange(apiKey.id, null);
    expect(firstUse).toBeInstanceOf(Date);

    expectStatus(await withKey(secret), 200);
    expectStatus(await withBearer(secret), 200);
    await sleep(200);
    expect(await lastUsedAt(apiKey.id)).toEqual(firstUse);

    // A minute later (for the database and for the engine's own clock), the next use is recorded again.
    await world.sql(`update project_api_keys set last_used_at = now() - interval '2 minutes' where id = $1`, [apiKey.id]);
    const aged = await lastUsedAt(apiKey.id);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    try {
      expectStatus(await withKey(secret), 200);
    } finally {
      vi.useRealTimers();
    }
    const later = await waitForLastUsedChange(apiKey.id, aged);
    expect(later!.getTime()).toBeGreaterThan(aged!.getTime());
  });

  it('rotation keeps the name, and a revoked key stays revoked in the list', async () => {
    const old = await createKey({ name: 'Production' });
    const rotated = await world.api.post<KeyCreated>(`${keysPath()}/${old.apiKey.id}/rotate`, {}, { session: world.a.users.admin });
    expectStatus(rotated, 201);
    const listed = await world.api.get<{ apiKeys: Array<{ id: string; name: string; status: string }> }>(keysPath(), { session: world.a.users.admin });
    expect(listed.body.apiKeys.filter((key) => [old.apiKey.id, rotated.body.apiKey.id].includes(key.id))).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: old.apiKey.id, name: 'Production', status: 'expiring' }), expect.objectContaining({ id: rotated.body.apiKey.id, name: 'Production', status: 'active' })]),
    );
  });

  it('are looked up by hash through the unique index, not by scanning keys', async () => {
    // Enough keys that the planner would scan if the index were missing; rolled back afterwards.
    const plan = await world.sqlRolledBack(async (sql) => {
      await sql(
        `insert into project_api_keys (project_id, name, key_hash, key_prefix)
         select $1, 'bulk ' || n, md5(n::text) || md5((n + 1)::text), 'fp_proj_bulk' from generate_series(1, 5000) as n`,
        [world.a.projectId],
      );
      await sql('analyze project_api_keys');
      // The query of apiKeys.findByHash.
      const [row] = await sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
        `explain (format json)
         select project_api_keys.*, projects.organization_id from project_api_keys
         inner join projects on projects.id = project_api_keys.project_id
         where project_api_keys.key_hash = $1`,
        [sha256Hex(generateApiKey())],
      );
      return row!['QUERY PLAN'][0]!.Plan;
    });
    const keyNodes = planNodes(plan).filter((node) => node['Relation Name'] === 'project_api_keys');
    expect(keyNodes.map((node) => [node['Node Type'], node['Index Name']])).toEqual([['Index Scan', 'project_api_keys_key_hash_unique']]);
  });
});

describe('provider keys', () => {
  it('are stored encrypted and never shown in full after creation', async () => {
    const apiKey = 'sk-live-provider-secret-1234567890';
    const created = await world.api.post<{ id: string; keyHint: string }>(
      `/api/dashboard/orgs/${world.a.orgId}/provider-keys`,
      { service: 'anthropic', name: 'Anthropic', apiKey },
      { session: world.a.users.admin },
    );
    expectStatus(created, 201);
    expect(created.text).not.toContain(apiKey);
    expect(created.body.keyHint).toMatch(/…7890$/);
    const listed = await world.api.get(`/api/dashboard/orgs/${world.a.orgId}/provider-keys`, { session: world.a.users.admin });
    expect(listed.text).not.toContain(apiKey);
    const [row] = await world.sql('select * from organization_api_keys where id = $1', [created.body.id]);
    for (const [column, value] of Object.entries(row!)) expect(String(value), column).not.toContain(apiKey);
    const auditRows = await world.sql('select * from audit_log');
    for (const auditRow of auditRows) expect(JSON.stringify(auditRow)).not.toContain(apiKey);
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];
