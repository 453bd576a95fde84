import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { slugCandidates } from '../../src/lib/slug.js';
import { redactLinkTokens } from '../../src/http/app.js';
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

  it('reads the streaming edit\'s credentials as a session unless a project key is presented (an empty X-API-Key, a Bearer token that is no project key)', async () => {
    const { a, api } = world;
    const body = { instruction: 'Make it shorter', currentPrompt: 'Sample prompt', organizationId: a.orgId };
    const emptyKey = await api.post('/api/edit-prompt/stream', body, { session: a.users.member, headers: { 'x-api-key': '' } });
    expectStatus(emptyKey, 200);
    // A Clerk token is a Bearer token too: one that is not shaped like a project key never reaches the key check.
    const notAKey = await api.post('/api/edit-prompt/stream', body, { headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' } });
    expectError(notAKey, 401, 'unauthorized');
    const viewer = await api.post('/api/edit-prompt/stream', body, { session: a.users.viewer, headers: { 'x-api-key': '' } });
    expectError(viewer, 403, 'insufficient_role');
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

  it('keeps invitation and reset tokens out of request logs', () => {
    expect(redactLinkTokens('/api/dashboard/invitations/abcDEF123_-/accept')).toBe('/api/dashboard/invitations/[redacted]/accept');
    expect(redactLinkTokens('/reset-password/secretToken')).toBe('/reset-password/[redacted]');
    expect(redactLinkTokens('/invite/secretToken')).toBe('/invite/[redacted]');
    expect(redactLinkTokens('/api/dashboard/orgs/1/invitations')).toBe('/api/dashboard/orgs/1/invitations');
  });

  it('holds the per-address sign-in limit against parallel guesses', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 45 }, (_, index) => world.api.post('/api/dashboard/auth/sign-in', { email: `parallel-${index}@example.test`, password: 'wrong guess' }, { from: '127.0.9.5' })),
    );
    expect(attempts.filter((response) => response.status !== 429).length).toBeLessThanOrEqual(30);
  }, 30_000);

  it('honours a reset link only while its issuer still outranks the member everywhere', async () => {
    const { a, api } = world;
    const member = await world.createUser('grows-later@example.test', { organizationId: a.orgId, role: 'member' });
    const issued = await api.post<{ url: string }>(`/api/dashboard/orgs/${a.orgId}/members/${member.userId}/reset-link`, undefined, { session: a.users.admin });
    expectStatus(issued, 201);
    // After the link was issued, the member founds an organization of their own.
    await world.provider.orgs.create({ actor: { type: 'user', userId: member.userId } }, { name: 'Later', ownerUserId: member.userId });
    const token = issued.body.url.slice(issued.body.url.indexOf('/reset-password/') + '/reset-password/'.length);
    const used = await api.post('/api/dashboard/auth/password-reset', { token, newPassword: 'taken over by admin' });
    expectError(used, 409, 'reset_link_stale');
  });

  it('slides the session cookie along with the session', async () => {
    const user = await world.signIn('member-a@example.test', PASSWORD, '127.0.9.6');
    await world.sql(`update sessions set last_seen_at = now() - interval '2 minutes' where id = $1`, [user.sessionId]);
    const response = await world.api.get('/api/dashboard/orgs', { session: user });
    expectStatus(response, 200);
    expect(String(response.headers['set-cookie'])).toMatch(/fp_session=.*Max-Age=1209600/);
  });

  it('refuses to rotate a key twice', async () => {
    const { a, api } = world;
    const owner = a.users.owner;
    const created = await api.post<{ apiKey: { id: string } }>(`/api/dashboard/orgs/${a.orgId}/projects/${a.projectId}/api-keys`, { name: 'Twice' }, { session: owner });
    const path = `/api/dashboard/orgs/${a.orgId}/projects/${a.projectId}/api-keys/${created.body.apiKey.id}/rotate`;
    expectStatus(await api.post(path, { gracePeriodHours: 1 }, { session: owner }), 201);
    expectError(await api.post(path, { gracePeriodHours: 1 }, { session: owner }), 409, 'api_key_already_rotated');
  });

  it('lets two owners demote each other at once without a deadlock: one wins, one is refused', async () => {
    const { a, api } = world;
    for (let round = 0; round < 5; round++) {
      const org = await api.post<{ id: string }>('/api/dashboard/orgs', { name: `Duel ${round}` }, { session: a.users.owner });
      const second = await world.createUser(`duelist-${round}@example.test`, { organizationId: org.body.id, role: 'owner' });
      const secondSession = await world.signIn(second.email, PASSWORD, '127.0.9.7');
      const [first, other] = await Promise.all([
        api.patch(`/api/dashboard/orgs/${org.body.id}/members/${second.userId}`, { role: 'member' }, { session: a.users.owner }),
        api.patch(`/api/dashboard/orgs/${org.body.id}/members/${a.users.owner.userId}`, { role: 'member' }, { session: secondSession }),
      ]);
      // The loser is refused either as the last owner (409, both checks passed before either commit) or,
      // when the winner committed before the loser's request was authorized, as a mere member (403).
      const statuses = [first.status, other.status].sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const owners = await world.sql<{ count: string }>(
        `select count(*)::text as count from organization_members where organization_id = $1 and role = 'owner'`, [org.body.id]);
      expect(owners[0]?.count).toBe('1');
    }
  }, 30_000);
});
