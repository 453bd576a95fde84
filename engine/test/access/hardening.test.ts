import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { slugCandidates } from '../../src/lib/slug.js';
import { expectError, expectStatus, PASSWORD, startWorld, type World } from './fixtures.js';

/** Behaviour added after the first review of access: each case was a gap a user could hit. */
describe('access hardening', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it("records sign-ins and failed sign-ins in the user's organizations, where their admins can read them", async () => {
    const { a, api } = world;
    await api.post('/api/dashboard/auth/sign-in', { email: 'member-a@example.test', password: 'not the password' }, { from: '127.0.9.1' });
    await world.signIn('member-a@example.test', PASSWORD, '127.0.9.2');
    const actions = (await world.provider.audit.list(a.orgId, { actorUserId: undefined, targetId: a.users.member.userId })).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.sign_in_failed', 'auth.signed_in']));
  });

  it('refuses a state-changing request whose Origin only matches a foreign Host header (DNS rebinding)', async () => {
    const response = await world.api.post('/api/dashboard/auth/sign-in', { email: 'x@example.test', password: 'whatever-long' }, {
      headers: { host: 'attacker.example:3000', origin: 'http://attacker.example:3000' },
    });
    expectError(response, 403, 'origin_not_allowed');
    const local = await world.api.post('/api/dashboard/auth/sign-in', { email: 'x@example.test', password: 'whatever-long' }, {
      headers: { host: 'localhost:3000', origin: 'http://localhost:3000' },
      from: '127.0.9.3',
    });
    expectStatus(local, 401);
  });

  it('does not count successful sign-ins against the client address', async () => {
    for (let attempt = 0; attempt < 35; attempt++) {
      const response = await world.api.post('/api/dashboard/auth/sign-in', { email: 'viewer-a@example.test', password: PASSWORD }, { from: '127.0.9.4' });
      expectStatus(response, 200);
    }
  }, 30_000);

  it('accepts the key from Authorization when X-API-Key is sent empty', async () => {
    const response = await world.api.get('/api/v1/project', { headers: { 'x-api-key': '', authorization: `Bearer ${world.a.apiKeySecret}` } });
    expectStatus(response, 200);
  });

  it('gives a rotated key the lifetime of the key it replaces', async () => {
    const { a, api } = world;
    const owner = a.users.owner;
    const inThirtyDays = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const created = await api.post<{ apiKey: { id: string } }>(`/api/dashboard/orgs/${a.orgId}/projects/${a.projectId}/api-keys`, { name: 'Expiring', expiresAt: inThirtyDays }, { session: owner });
    expectStatus(created, 201);
    const rotated = await api.post<{ apiKey: { expiresAt: string } }>(
      `/api/dashboard/orgs/${a.orgId}/projects/${a.projectId}/api-keys/${created.body.apiKey.id}/rotate`,
      { gracePeriodHours: 1 },
      { session: owner },
    );
    expectStatus(rotated, 201);
    const lifetimeDays = (new Date(rotated.body.apiKey.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(lifetimeDays).toBeGreaterThan(29.9);
    expect(lifetimeDays).toBeLessThan(30.1);
  });

  it('keeps finding free slugs after many organizations share a name', () => {
    const candidates = [...slugCandidates('acme')];
    expect(candidates.slice(0, 3)).toEqual(['acme', 'acme-2', 'acme-3']);
    expect(new Set(candidates).size).toBe(candidates.length);
    expect(candidates.at(-1)).toMatch(/^acme-[0-9a-f]{8}$/);
  });

  it('never puts 0.0.0.0 into the links it hands out', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ HOST: '0.0.0.0', PUBLIC_URL: 'https://fp.example.com' }).publicUrl).toBe('https://fp.example.com');
  });
});
