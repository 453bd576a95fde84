import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../../src/data/postgres/provider.js';
import type { DataProvider } from '../../src/data/provider.js';
import { signInFailureDelayMs } from '../../src/auth/service.js';
import { sha256Hex } from '../../src/lib/tokens.js';
import { serveApp, silentLogger, testConfig } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { expectError, expectStatus, linkToken, PASSWORD, startWorld, type SignedInUser, type World } from './fixtures.js';
import { Api, errorOf, issuePaths, sessionCookie, type ApiResponse, type Credentials } from './http-client.js';

const NEW_PASSWORD = 'an entirely new passphrase';

describe('first-run setup', () => {
  let api: Api;
  let provider: DataProvider;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    const server = await serveApp(provider);
    api = new Api(server.url);
    cleanup = async () => {
      api.close();
      await server.close();
      await provider.close();
      await database.drop();
    };
  });
  afterAll(() => cleanup());

  const setupBody = (email: string) => ({ email, password: PASSWORD, organizationName: 'First organization' });

  it('refuses a short password, naming body.password, and creates nothing', async () => {
    const response = await api.post('/api/dashboard/auth/setup', { ...setupBody('short@example.test'), password: 'short' });
    expectError(response, 400, 'validation_error');
    expect(issuePaths(response)).toEqual(['body.password']);
    expect(errorOf(response)?.details?.issues?.[0]?.message).toMatch(/at least 10 characters/);
    expect(await provider.users.count()).toBe(0);
  });

  let winner: ApiResponse<{ csrfToken: string | null }>;

  it('creates the owner exactly once when two requests race', async () => {
    const state = await api.get<{ setupRequired: boolean }>('/api/dashboard/auth/state');
    expect(state.body.setupRequired).toBe(true);
    const responses = await Promise.all([
      api.post<{ csrfToken: string | null }>('/api/dashboard/auth/setup', setupBody('first@example.test')),
      api.post<{ csrfToken: string | null }>('/api/dashboard/auth/setup', setupBody('second@example.test')),
    ]);
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
    expect(errorOf(responses.find((response) => response.status === 409)!)?.code).toBe('setup_already_done');
    expect(await provider.users.count()).toBe(1);
    winner = responses.find((response) => response.status === 201)!;
  });

  it('signs the new owner in, owning the first organization and its default project', async () => {
    const session = { cookie: sessionCookie(winner), csrfToken: winner.body.csrfToken! };
    const state = await api.get<{ setupRequired: boolean; csrfToken: string; organizations: Array<{ id: string; role: string }> }>('/api/dashboard/auth/state', { session });
    expect(state.body).toMatchObject({ setupRequired: false, csrfToken: session.csrfToken, organizations: [{ role: 'owner' }] });
    const projects = await api.get<{ projects: Array<{ name: string }> }>(`/api/dashboard/orgs/${state.body.organizations[0]!.id}/projects`, { session });
    expect(projects.body.projects.map((project) => project.name)).toEqual(['Default project']);
  });

  it('refuses any later setup with 409 setup_already_done', async () => {
    expectError(await api.post('/api/dashboard/auth/setup', setupBody('third@example.test')), 409, 'setup_already_done');
    expect(await provider.users.count()).toBe(1);
  });
});

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

const signInRequest = (email: string, password: string, from?: string) => world.api.post('/api/dashboard/auth/sign-in', { email, password }, { from });
const sessionsOf = (session: Credentials) => world.api.get<{ sessions: Array<{ id: string; current: boolean; ip: string | null }> }>('/api/dashboard/auth/sessions', { session });

describe('sign-in', () => {
  it('answers a wrong password and an unknown email with the same 401 body', async () => {
    const wrongPassword = await signInRequest('member-a@example.test', 'not the password', '127.0.1.1');
    const unknownEmail = await signInRequest('nobody-here@example.test', 'not the password', '127.0.1.2');
    expectError(wrongPassword, 401, 'invalid_credentials');
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
  });

  it('sets an httpOnly, SameSite=Lax session cookie and returns the CSRF token', async () => {
    const response = await signInRequest('viewer-a@example.test', PASSWORD, '127.0.1.3');
    expectStatus(response, 200);
    const cookieLine = response.headers['set-cookie']!.find((line) => line.startsWith('fp_session='))!;
    expect(cookieLine).toMatch(/HttpOnly/i);
    expect(cookieLine).toMatch(/SameSite=Lax/i);
    expect((response.body as { csrfToken: string }).csrfToken).toEqual(expect.any(String));
  });

  it('matches the email whatever its case and surrounding spaces', async () => {
    expectStatus(await signInRequest('  Member-A@Example.TEST ', PASSWORD, '127.0.1.5'), 200);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const server = await serveApp(world.provider, { config: testConfig({ PUBLIC_URL: 'https://forprompt.example' }) });
    const api = new Api(server.url);
    try {
      const response = await api.post('/api/dashboard/auth/sign-in', { email: 'viewer-a@example.test', password: PASSWORD }, { from: '127.0.1.6' });
      expectStatus(response, 200);
      expect(response.headers['set-cookie']!.find((line) => line.startsWith('fp_session='))).toMatch(/;\s*Secure/i);
    } finally {
      api.close();
      await server.close();
    }
  });

  it('puts sign-ins and failed sign-ins on record', async () => {
    await signInRequest('admin-a@example.test', 'a wrong password', '127.0.1.4');
    const signedIn = await world.signIn('admin-a@example.test', PASSWORD, '127.0.1.4');
    // Outside any organization (organization_id is null), so read from the table itself.
    const rows = await world.sql<{ action: string; target_id: string | null; summary: string; ip: string | null }>(
      `select action, target_id, summary, ip from audit_log where action in ('auth.signed_in', 'auth.sign_in_failed') and ip = '127.0.1.4' order by created_at`,
    );
    expect(rows).toEqual([
      expect.objectContaining({ action: 'auth.sign_in_failed', target_id: signedIn.userId, summary: expect.stringContaining('admin-a@example.test') }),
      expect.objectContaining({ action: 'auth.signed_in', target_id: signedIn.userId }),
    ]);
  });

  it('limits attempts per account, whatever the address: the 11th gets 429 with Retry-After', async () => {
    const { email } = await world.createUser('limited@example.test');
    // Ten wrong passwords from ten addresses, at once (each waits out its own growing delay, ≤ 4 s).
    const failures = await Promise.all(Array.from({ length: 10 }, (_, index) => signInRequest(email, 'a wrong password', `127.0.2.${index + 1}`)));
    expect(failures.map((response) => response.status)).toEqual(Array(10).fill(401));
    const refused = await signInRequest(email, PASSWORD, '127.0.2.99');
    expectStatus(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('slows failures from one address down, whatever the accounts, with the same generic error', async () => {
    const from = '127.0.3.50';
    const timed = async (email: string) => {
      const startedAt = performance.now();
      const response = await signInRequest(email, 'a wrong password', from);
      return { response, ms: performance.now() - startedAt };
    };
    // Three different accounts, each failing once: by the account alone each would wait 250 ms.
    const first = await timed('guess-1@example.test');
    await timed('member-a@example.test');
    const third = await timed('guess-3@example.test');
    expect(third.response.body).toEqual(first.response.body);
    expectError(third.response, 401, 'invalid_credentials');
    // The address's third failure waits 1 s (a little slack for timer rounding).
    expect(third.ms).toBeGreaterThanOrEqual(950);
  });

  it('computes the delay from the account or the address, whichever failed more', () => {
    expect([1, 2, 3, 5, 9].map((client) => signInFailureDelayMs({ account: 1, client }))).toEqual([250, 500, 1_000, 4_000, 4_000]);
    expect(signInFailureDelayMs({ account: 4, client: 2 })).toBe(2_000);
    expect(signInFailureDelayMs({ account: 0, client: 0 })).toBe(250);
  });

  it('limits attempts per client address, whatever the account', async () => {
    const from = '127.0.3.1';
    const attempts = await Promise.all(Array.from({ length: 30 }, (_, index) => signInRequest(`stranger-${index}@example.test`, 'a wrong password', from)));
    expect(attempts.map((response) => response.status)).toEqual(Array(30).fill(401));
    const refused = await signInRequest('member-a@example.test', PASSWORD, from);
    expectError(refused, 429, 'rate_limited');
    expectStatus(await signInRequest('member-a@example.test', PASSWORD, '127.0.3.2'), 200);
  });
});

describe('sessions', () => {
  let first: SignedInUser;
  let second: SignedInUser;
  let third: SignedInUser;
  beforeAll(async () => {
    await world.createUser('sessions@example.test');
    [first, second, third] = [
      await world.signIn('sessions@example.test', PASSWORD, '127.0.4.1'),
      await world.signIn('sessions@example.test', PASSWORD, '127.0.4.2'),
      await world.signIn('sessions@example.test', PASSWORD, '127.0.4.3'),
    ];
  });

  it('lists the active sessions with their address, marking the current one', async () => {
    const response = await sessionsOf(first);
    expectStatus(response, 200);
    expect(response.body.sessions).toHaveLength(3);
    expect(response.body.sessions.filter((session) => session.current).map((session) => session.id)).toEqual([first.sessionId]);
    expect(response.body.sessions.map((session) => session.ip).sort()).toEqual(['127.0.4.1', '127.0.4.2', '127.0.4.3']);
  });

  it('are stored only as a hash of the cookie token', async () => {
    const token = first.cookie.slice('fp_session='.length);
    const rows = await world.sql('select * from sessions where id = $1', [first.sessionId]);
    expect(rows[0]!.token_hash).toBe(sha256Hex(token));
    for (const [column, value] of Object.entries(rows[0]!)) expect(String(value), column).not.toContain(token);
  });

  it('slide: a session used after a minute is extended; an expired one is refused', async () => {
    const session = await world.freshSession(world.a.users.viewer.userId);
    await world.sql(`update sessions set last_seen_at = now() - interval '2 minutes', expires_at = now() + interval '1 hour' where id = $1`, [session.sessionId]);
    expectStatus(await sessionsOf(session), 200);
    const [slid] = await world.sql<{ expires_at: Date }>('select expires_at from sessions where id = $1', [session.sessionId]);
    expect(slid!.expires_at.getTime()).toBeGreaterThan(Date.now() + 13 * 86_400_000);
    await world.sql(`update sessions set expires_at = now() - interval '1 second' where id = $1`, [session.sessionId]);
    expectError(await sessionsOf(session), 401, 'sign_in_required');
  });

  it('ends one session on request; an unknown session is 404', async () => {
    expectStatus(await world.api.delete(`/api/dashboard/auth/sessions/${second.sessionId}`, { session: first }), 200);
    expectError(await sessionsOf(second), 401, 'sign_in_required');
    expectError(await world.api.delete(`/api/dashboard/auth/sessions/${second.sessionId}`, { session: first }), 404, 'session_not_found');
  });

  it('signs out every other session and keeps this one', async () => {
    const response = await world.api.post<{ signedOut: number }>('/api/dashboard/auth/sessions/sign-out-others', undefined, { session: first });
    expectStatus(response, 200);
    expect(response.body.signedOut).toBe(1);
    expectError(await sessionsOf(third), 401, 'sign_in_required');
    expectStatus(await sessionsOf(first), 200);
  });

  it('signs out: the cookie is cleared and the session is gone', async () => {
    const response = await world.api.post('/api/dashboard/auth/sign-out', undefined, { session: first });
    expectStatus(response, 200);
    expect(response.headers['set-cookie']?.some((line) => /^fp_session=;/.test(line))).toBe(true);
    expectError(await sessionsOf(first), 401, 'sign_in_required');
  });
});

describe('password change', () => {
  let current: SignedInUser;
  let other: SignedInUser;
  beforeAll(async () => {
    await world.createUser('changer@example.test');
    current = await world.signIn('changer@example.test', PASSWORD, '127.0.5.1');
    other = await world.signIn('changer@example.test', PASSWORD, '127.0.5.2');
  });
  const change = (body: unknown) => world.api.post('/api/dashboard/auth/password', body, { session: current });

  it('requires the current password', async () => {
    const response = await change({ currentPassword: 'not my password', newPassword: NEW_PASSWORD });
    expectError(response, 400, 'wrong_password');
    expect(issuePaths(response)).toEqual(['body.currentPassword']);
    expectStatus(await sessionsOf(other), 200);
  });

  it('refuses a short new password, naming body.newPassword', async () => {
    const response = await change({ currentPassword: PASSWORD, newPassword: 'short' });
    expectError(response, 400, 'validation_error');
    expect(issuePaths(response)).toEqual(['body.newPassword']);
  });

  it('ends the other sessions, keeps this one, and the new password signs in', async () => {
    expectStatus(await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }), 200);
    expectError(await sessionsOf(other), 401, 'sign_in_required');
    expectStatus(await sessionsOf(current), 200);
    expectError(await signInRequest('changer@example.test', PASSWORD, '127.0.5.3'), 401, 'invalid_credentials');
    expectStatus(await signInRequest('changer@example.test', NEW_PASSWORD, '127.0.5.3'), 200);
  });
});

describe('password reset links', () => {
  const issue = (session: Credentials, userId: string) =>
    world.api.post<{ url: string; expiresAt: string }>(`/api/dashboard/orgs/${world.a.orgId}/members/${userId}/reset-link`, undefined, { session });
  const reset = (token: string, newPassword: string) => world.api.post('/api/dashboard/auth/password-reset', { token, newPassword });

  it("issued by an admin, work once and end the member's sessions", async () => {
    const member = await world.createUser('forgetful@example.test', { organizationId: world.a.orgId, role: 'member' });
    const session = await world.signIn(member.email, PASSWORD, '127.0.6.1');
    const issued = await issue(world.a.users.admin, member.userId);
    expectStatus(issued, 201);
    const token = linkToken(issued.body.url, '/reset-password/');

    const short = await reset(token, 'short');
    expectError(short, 400, 'validation_error');
    expect(issuePaths(short)).toEqual(['body.newPassword']);

    expectStatus(await reset(token, NEW_PASSWORD), 200);
    expectError(await sessionsOf(session), 401, 'sign_in_required');
    expectStatus(await signInRequest(member.email, NEW_PASSWORD, '127.0.6.1'), 200);
    expectError(await reset(token, 'yet another new password'), 409, 'reset_link_used');
    expectStatus(await signInRequest(member.email, NEW_PASSWORD, '127.0.6.1'), 200);
  });

  it('cannot be issued by an admin for an owner', async () => {
    expectError(await issue(world.a.users.admin, world.a.users.owner.userId), 403, 'reset_not_allowed');
  });

  it('cannot be issued by an admin for a member who owns another organization (that would hand the admin that organization)', async () => {
    const member = await world.createUser('owns-elsewhere@example.test', { organizationId: world.a.orgId, role: 'member' });
    await world.provider.orgs.create({ actor: { type: 'user', userId: member.userId } }, { name: 'Elsewhere', ownerUserId: member.userId });
    const passwordBefore = await world.provider.users.getPasswordHash(member.userId);
    const issued = await issue(world.a.users.admin, member.userId);
    expectStatus(issued, 403);
    expect(await world.provider.users.getPasswordHash(member.userId)).toBe(passwordBefore);
  });
});
