import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../../data/postgres/provider.js';
import type { DataProvider } from '../../data/provider.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { serveApp, silentLogger, testConfig } from '../../../test/helpers/app.js';
import { clerkIdentity } from './identity.js';

/** Clerk mode end to end through the engine's routes: tokens signed locally, verified without network. */
describe('Clerk mode through the dashboard API', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let sign: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const config = testConfig({ AUTH_PROVIDER: 'clerk', CLERK_PUBLISHABLE_KEY: 'pk_test_Y2xlcmsuZXhhbXBsZS5jb20k', CLERK_JWT_KEY: await exportSPKI(publicKey) });
    sign = (claims) =>
      new SignJWT({ sid: 'sess_1', azp: 'http://127.0.0.1:3000', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'test' })
        .setIssuedAt()
        .setNotBefore(Math.floor(Date.now() / 1000) - 5)
        .setExpirationTime('5m')
        .setIssuer('https://clerk.example.com')
        .sign(privateKey);
    server = await serveApp(provider, { config, identify: clerkIdentity });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.drop();
  });

  const call = (path: string, token: string | null, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...init.headers },
    });

  it('resolves the user and the active organization from the token, with the mapped role (v2 claims)', async () => {
    const token = await sign({ sub: 'user_admin', v: 2, o: { id: 'org_acme', rol: 'admin', slg: 'acme' } });
    const state = (await (await call('/api/dashboard/auth/state', token)).json()) as { user: { id: string }; organizations: Array<{ id: string; role: string }> };
    expect(state.user).not.toBeNull();
    expect(state.organizations).toEqual([expect.objectContaining({ role: 'admin' })]);
    const organizationId = state.organizations[0]!.id;
    const created = await call(`/api/dashboard/orgs/${organizationId}/projects`, token, { method: 'POST', body: JSON.stringify({ name: 'From Clerk' }) });
    expect(created.status).toBe(201);
    const listed = (await (await call(`/api/dashboard/orgs/${organizationId}/projects`, token)).json()) as { projects: unknown[] };
    expect(listed.projects).toHaveLength(1);
  });

  it('enforces the role from v1 claims: a member cannot manage projects, an unknown role reads only', async () => {
    const adminState = (await (await call('/api/dashboard/auth/state', await sign({ sub: 'user_admin', v: 2, o: { id: 'org_acme', rol: 'admin' } }))).json()) as {
      organizations: Array<{ id: string }>;
    };
    const organizationId = adminState.organizations[0]!.id;
    const member = await sign({ sub: 'user_member', org_id: 'org_acme', org_role: 'org:member', org_slug: 'acme' });
    expect((await call(`/api/dashboard/orgs/${organizationId}/projects`, member)).status).toBe(200);
    const refused = await call(`/api/dashboard/orgs/${organizationId}/projects`, member, { method: 'POST', body: JSON.stringify({ name: 'Nope' }) });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'insufficient_role' } });
    const stranger = await sign({ sub: 'user_other', org_id: 'org_other', org_role: 'org:admin' });
    expect((await call(`/api/dashboard/orgs/${organizationId}/projects`, stranger)).status).toBe(404);
  });

  it("lists the invitations mirrored from Clerk to an admin, read-only: creating one here is refused", async () => {
    const token = await sign({ sub: 'user_admin', v: 2, o: { id: 'org_acme', rol: 'admin', slg: 'acme' } });
    const state = (await (await call('/api/dashboard/auth/state', token)).json()) as { organizations: Array<{ id: string }> };
    const organizationId = state.organizations[0]!.id;
    const invitation = { clerkId: 'orginv_mirrored', organization: { clerkId: 'org_acme', name: null, slug: null, imageUrl: null }, email: 'guest@example.com', role: 'member' as const, status: 'pending' as const, expiresAt: null, createdAt: new Date(), updatedAt: new Date() };
    expect(await provider.clerk.applyWebhookEvent({ svixId: 'msg_mirrored_invitation', type: 'organizationInvitation.created', invitation })).toBe('applied');

    const listed = (await (await call(`/api/dashboard/orgs/${organizationId}/invitations`, token)).json()) as { invitations: Array<{ email: string; status: string }> };
    expect(listed.invitations).toEqual([expect.objectContaining({ email: 'guest@example.com', status: 'pending' })]);
    const created = await call(`/api/dashboard/orgs/${organizationId}/invitations`, token, { method: 'POST', body: JSON.stringify({ email: 'other@example.com', role: 'viewer' }) });
    expect(created.status).toBe(409);
    expect(await created.json()).toMatchObject({ error: { code: 'managed_by_clerk' } });
  });

  it("allows Clerk's own hosts, and only those, in the dashboard's content security policy", async () => {
    const policy = (await call('/healthz', null)).headers.get('content-security-policy')!;
    expect(policy).toMatch(/script-src 'self' https:\/\/clerk\.example\.com https:\/\/\*\.protect\.clerk\.com:\* https:\/\/challenges\.cloudflare\.com/);
    expect(policy).toContain('img-src \'self\' data: https://img.clerk.com');
    expect(policy).toContain("worker-src 'self' blob:");
  });

  it("reads with Clerk's __session cookie but changes nothing with it (CSRF): changes need the bearer token", async () => {
    const state = (await (await call('/api/dashboard/auth/state', await sign({ sub: 'user_admin', v: 2, o: { id: 'org_acme', rol: 'admin' } }))).json()) as {
      organizations: Array<{ id: string }>;
    };
    const token = await sign({ sub: 'user_admin', v: 2, o: { id: 'org_acme', rol: 'admin' } });
    const organizationId = state.organizations[0]!.id;
    const read = await call(`/api/dashboard/orgs/${organizationId}/projects`, null, { headers: { cookie: `__session=${token}` } });
    expect(read.status).toBe(200);
    const write = await call(`/api/dashboard/orgs/${organizationId}/projects`, null, { method: 'POST', headers: { cookie: `__session=${token}` }, body: JSON.stringify({ name: 'Forged' }) });
    expect(write.status).toBe(401);
  });

  it('answers 401 without a valid token and leaves local sign-in disabled', async () => {
    expect((await call('/api/dashboard/orgs', null)).status).toBe(401);
    expect((await call('/api/dashboard/orgs', 'not.a.token')).status).toBe(401);
    const signIn = await call('/api/dashboard/auth/sign-in', null, { method: 'POST', body: JSON.stringify({ email: 'a@b.c', password: 'whatever-long' }) });
    expect(signIn.status).toBe(409);
    expect(await signIn.json()).toMatchObject({ error: { code: 'local_auth_disabled' } });
    const config = (await (await call('/api/config', null)).json()) as { authProvider: string; clerkPublishableKey: string };
    expect(config).toMatchObject({ authProvider: 'clerk', clerkPublishableKey: 'pk_test_Y2xlcmsuZXhhbXBsZS5jb20k' });
  });
});
