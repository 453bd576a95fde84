import { randomUUID } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { createDatabase, createPool } from '../../data/postgres/database.js';
import { clerkSyncStore } from '../../data/postgres/stores/clerk.js';
import type { ClerkSyncStore } from '../../data/clerk-sync.js';
import { ServiceUnavailableError, StartupError } from '../../errors.js';
import { parseRoleMap } from './roles.js';
import { createClerkVerifier, sessionTokenOf } from './verify.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let store: ClerkSyncStore;
let signingKey: CryptoKey;
let jwtKey: string;
let publicJwk: Record<string, unknown>;
let otherKey: CryptoKey;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  store = clerkSyncStore(createDatabase(pool));
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  jwtKey = await exportSPKI(pair.publicKey);
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test', alg: 'RS256', use: 'sig' };
  otherKey = (await generateKeyPair('RS256')).privateKey;
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const unique = () => randomUUID().slice(0, 8);
const now = () => Math.floor(Date.now() / 1000);

function sessionToken(claims: JWTPayload, options: { key?: CryptoKey; expiresAt?: number } = {}): Promise<string> {
  const issuedAt = now();
  return new SignJWT({ azp: 'http://localhost:3000', sid: `sess_${unique()}`, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'test', typ: 'JWT' })
    .setIssuer('https://clerk.example.test')
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt - 5)
    .setExpirationTime(options.expiresAt ?? issuedAt + 60)
    .sign(options.key ?? signingKey);
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** Fails the test on any network use; `fetch` is how @clerk/backend would reach Clerk. */
function forbidNetwork() {
  const fetchSpy = vi.fn(async () => {
    throw new Error('network used');
  });
  vi.stubGlobal('fetch', fetchSpy);
  return fetchSpy;
}

describe('Clerk session verification with CLERK_JWT_KEY', () => {
  it('maps a v1 token (org_id, org_role, org_slug) to our user, organization and role, without network', async () => {
    const fetchSpy = forbidNetwork();
    const verify = createClerkVerifier({ jwtKey }, store);
    const clerkUserId = `user_${unique()}`;
    const clerkOrganizationId = `org_${unique()}`;
    const token = await sessionToken({ sub: clerkUserId, org_id: clerkOrganizationId, org_role: 'org:admin', org_slug: 'acme-v1' });

    const identity = await verify(bearer(token));

    const { userId } = (await store.resolveUser(clerkUserId, {}))!;
    const { organizationId } = (await store.resolveOrganization(clerkOrganizationId, {}))!;
    expect(identity).toEqual({ userId, organization: { organizationId, role: 'admin' } });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('reads the v2 `o` claim, whose role has no `org:` prefix', async () => {
    const verify = createClerkVerifier({ jwtKey }, store);
    const clerkOrganizationId = `org_${unique()}`;
    const token = await sessionToken({ v: 2, sub: `user_${unique()}`, o: { id: clerkOrganizationId, rol: 'member', slg: 'acme-v2' } });
    const identity = await verify(bearer(token));
    expect(identity?.organization).toEqual({ organizationId: (await store.resolveOrganization(clerkOrganizationId, {}))!.organizationId, role: 'member' });
  });

  it('a session without an active organization has none', async () => {
    const verify = createClerkVerifier({ jwtKey }, store);
    const identity = await verify(bearer(await sessionToken({ sub: `user_${unique()}` })));
    expect(identity).toMatchObject({ organization: null });
  });

  it('unknown roles are viewer; CLERK_ROLE_MAP adds custom roles', async () => {
    const claims = () => ({ sub: `user_${unique()}`, o: { id: `org_${unique()}`, rol: 'owner' } });
    const plain = createClerkVerifier({ jwtKey }, store);
    expect((await plain(bearer(await sessionToken(claims()))))?.organization?.role).toBe('viewer');
    const mapped = createClerkVerifier({ jwtKey }, store, parseRoleMap('{"org:owner":"owner"}'));
    expect((await mapped(bearer(await sessionToken(claims()))))?.organization?.role).toBe('owner');
  });

  it("the organization's creator, synced as owner, acts as owner with Clerk's admin role", async () => {
    const verify = createClerkVerifier({ jwtKey }, store);
    const clerkUserId = `user_${unique()}`;
    const clerkOrganizationId = `org_${unique()}`;
    await store.applyWebhookEvent({
      svixId: `msg_${unique()}`,
      type: 'organizationMembership.created',
      membership: {
        clerkId: `orgmem_${unique()}`,
        role: 'owner',
        updatedAt: new Date(),
        organization: { clerkId: clerkOrganizationId, name: 'Creator Org', slug: null, imageUrl: null },
        user: { clerkId: clerkUserId, email: null, firstName: null, lastName: null, imageUrl: null },
      },
    });
    const token = await sessionToken({ sub: clerkUserId, org_id: clerkOrganizationId, org_role: 'org:admin' });
    expect((await verify(bearer(token)))?.organization?.role).toBe('owner');
  });

  it('uses email and names from a customized session token for the placeholder user', async () => {
    const verify = createClerkVerifier({ jwtKey }, store);
    const clerkUserId = `user_${unique()}`;
    await verify(bearer(await sessionToken({ sub: clerkUserId, email: `${clerkUserId}@example.com`, first_name: 'Ada' })));
    const { userId } = (await store.resolveUser(clerkUserId, {}))!;
    const [row] = (await pool.query('select email, first_name from users where id = $1', [userId])).rows;
    expect(row).toEqual({ email: `${clerkUserId}@example.com`, first_name: 'Ada' });
  });

  it('a still-valid token of a user or organization deleted in Clerk brings neither back', async () => {
    const verify = createClerkVerifier({ jwtKey }, store);
    const clerkUserId = `user_${unique()}`;
    const clerkOrganizationId = `org_${unique()}`;
    const deletedAt = new Date();
    await store.applyWebhookEvent({ svixId: `msg_${unique()}`, type: 'user.deleted', clerkUserId, deletedAt });
    await store.applyWebhookEvent({ svixId: `msg_${unique()}`, type: 'organization.deleted', clerkOrganizationId, deletedAt });
    const count = async (table: string, clerkId: string) => (await pool.query(`select count(*)::int as n from ${table} where clerk_id = $1`, [clerkId])).rows[0].n;

    expect(await verify(bearer(await sessionToken({ sub: clerkUserId, org_id: clerkOrganizationId, org_role: 'org:admin' })))).toBeNull();
    const other = await verify(bearer(await sessionToken({ sub: `user_${unique()}`, org_id: clerkOrganizationId, org_role: 'org:admin' })));
    expect(other).toMatchObject({ organization: null });
    expect([await count('users', clerkUserId), await count('organizations', clerkOrganizationId)]).toEqual([0, 0]);
  });

  it('answers null for expired, foreign-key, garbage, missing and API-key tokens', async () => {
    forbidNetwork();
    const verify = createClerkVerifier({ jwtKey }, store);
    const sub = `user_${unique()}`;
    expect(await verify(bearer(await sessionToken({ sub }, { expiresAt: now() - 120 })))).toBeNull();
    expect(await verify(bearer(await sessionToken({ sub }, { key: otherKey })))).toBeNull();
    expect(await verify(bearer('not.a.jwt'))).toBeNull();
    expect(await verify(bearer('fp_proj_0123456789abcdefghijklmnopqrstuv'))).toBeNull();
    expect(await verify({ headers: {} })).toBeNull();
  });

  it('refuses a token from a party not authorized, and a pending session', async () => {
    const verify = createClerkVerifier({ jwtKey, authorizedParties: ['https://app.example.com'] }, store);
    expect(await verify(bearer(await sessionToken({ sub: `user_${unique()}`, azp: 'https://evil.example.com' })))).toBeNull();
    expect(await verify(bearer(await sessionToken({ sub: `user_${unique()}`, azp: 'https://app.example.com' })))).not.toBeNull();
    const open = createClerkVerifier({ jwtKey }, store);
    expect(await open(bearer(await sessionToken({ v: 2, sub: `user_${unique()}`, sts: 'pending' })))).toBeNull();
  });

  it('reads the token from the __session cookie, preferring the suffixed one of this publishable key', async () => {
    const verify = createClerkVerifier({ jwtKey, publishableKey: 'pk_test_x' }, store);
    const token = await sessionToken({ sub: `user_${unique()}` });
    expect(await verify({ headers: { cookie: `theme=dark; __session=${token}; other=1` } })).not.toBeNull();
    // @clerk/shared's getCookieSuffix('pk_test_x'), computed with Node's crypto here.
    const suffix = (await import('node:crypto')).createHash('sha1').update('pk_test_x').digest('base64url').slice(0, 8);
    expect(sessionTokenOf({ headers: { cookie: `__session=stale; __session_${suffix}=${token}` } }, 'pk_test_x')).toBe(token);
  });

  it('stops the boot on a CLERK_JWT_KEY that is not a PEM public key', () => {
    expect(() => createClerkVerifier({ jwtKey: 'not a key' }, store)).toThrow(StartupError);
  });
});

describe('Clerk session verification with CLERK_SECRET_KEY only', () => {
  it('fetches the signing keys lazily on first use, once', async () => {
    const fetchSpy = vi.fn(async () => Response.json({ keys: [publicJwk] }));
    vi.stubGlobal('fetch', fetchSpy);
    const verify = createClerkVerifier({ secretKey: `sk_test_${unique()}` }, store);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(await verify(bearer(await sessionToken({ sub: `user_${unique()}` })))).not.toBeNull();
    expect(await verify(bearer(await sessionToken({ sub: `user_${unique()}` })))).not.toBeNull();
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(String((fetchSpy.mock.calls[0] as unknown[])[0])).toMatch(/\/jwks$/);
  });

  it('answers 503 rather than 401 when Clerk cannot be reached for its keys', async () => {
    forbidNetwork();
    const verify = createClerkVerifier({ secretKey: `sk_test_${unique()}` }, store);
    await expect(verify(bearer(await sessionToken({ sub: `user_${unique()}` })))).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
