import { randomBytes, randomUUID } from 'node:crypto';
import { exportSPKI, generateKeyPair } from 'jose';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApp, silentLogger, testConfig } from '../../../test/helpers/app.js';
import { createTestDatabase } from '../../../test/helpers/db.js';
import { createDatabase, createPool } from '../../data/postgres/database.js';
import { createPostgresProvider } from '../../data/postgres/provider.js';
import { clerkSyncStore } from '../../data/postgres/stores/clerk.js';
import { clerkWebhookRoutes } from './webhook.js';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const unique = () => randomUUID().slice(0, 8);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: ReturnType<typeof createPool>;
let provider: ReturnType<typeof createPostgresProvider>;
let server: Awaited<ReturnType<typeof serveApp>>;
let unconfigured: Awaited<ReturnType<typeof serveApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
  const withClerk = { ...provider, clerk: clerkSyncStore(createDatabase(pool)) };
  const jwtKey = await exportSPKI((await generateKeyPair('RS256', { extractable: true })).publicKey);
  const clerkEnv = { AUTH_PROVIDER: 'clerk', CLERK_PUBLISHABLE_KEY: 'pk_test_x', CLERK_JWT_KEY: jwtKey };
  server = await serveApp(withClerk, { routes: clerkWebhookRoutes(), config: testConfig({ ...clerkEnv, CLERK_WEBHOOK_SECRET: secret }) });
  unconfigured = await serveApp(withClerk, { routes: clerkWebhookRoutes(), config: testConfig(clerkEnv) });
});

afterAll(async () => {
  await server?.close();
  await unconfigured?.close();
  await provider?.close();
  await pool?.end();
  await database?.drop();
});

function signedHeaders(body: string, options: { id?: string; signingSecret?: string } = {}): Record<string, string> {
  const id = options.id ?? `msg_${unique()}`;
  const timestamp = new Date();
  return {
    'content-type': 'application/json',
    'svix-id': id,
    'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'svix-signature': new Webhook(options.signingSecret ?? secret).sign(id, timestamp, body),
  };
}

async function post(body: string, headers: Record<string, string>, path = '/clerk-webhook', base = server.url) {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function userCreated(clerkId: string, firstName = 'Ada'): string {
  return JSON.stringify({
    object: 'event',
    type: 'user.created',
    data: {
      object: 'user',
      id: clerkId,
      first_name: firstName,
      last_name: 'Lovelace',
      image_url: 'https://img.clerk.com/x.png',
      primary_email_address_id: 'idn_2',
      email_addresses: [
        { id: 'idn_1', email_address: `old-${clerkId}@example.com` },
        { id: 'idn_2', email_address: `${clerkId}@example.com` },
      ],
      created_at: 1714557600000,
      updated_at: 1714557600000,
      some_new_clerk_field: { nested: true },
    },
  });
}

const scalar = async (query: string, values: unknown[] = []) => Object.values((await pool.query(query, values)).rows[0] as object)[0];
const snapshot = async () => ({
  users: await scalar('select count(*)::int from users'),
  deliveries: await scalar('select count(*)::int from clerk_webhook_events'),
  audit: await scalar('select count(*)::int from audit_log'),
});

describe('POST /clerk-webhook', () => {
  it('applies a signed user.created event, taking the primary email address', async () => {
    const clerkId = `user_${unique()}`;
    const body = userCreated(clerkId);
    expect(await post(body, signedHeaders(body))).toEqual({ status: 200, body: { received: true, result: 'applied' } });
    const { rows } = await pool.query('select email, first_name from users where clerk_id = $1', [clerkId]);
    expect(rows).toEqual([{ email: `${clerkId}@example.com`, first_name: 'Ada' }]);
  });

  it('a replayed delivery (same svix-id) changes nothing', async () => {
    const clerkId = `user_${unique()}`;
    const body = userCreated(clerkId);
    const headers = signedHeaders(body);
    await post(body, headers);
    const before = await snapshot();
    expect(await post(body, headers)).toEqual({ status: 200, body: { received: true, result: 'duplicate' } });
    expect(await snapshot()).toEqual(before);
  });

  it('a bad, missing or tampered signature gets 400 invalid_signature and writes nothing', async () => {
    const body = userCreated(`user_${unique()}`);
    const before = await snapshot();
    const foreign = signedHeaders(body, { signingSecret: `whsec_${randomBytes(24).toString('base64')}` });
    const forged = await post(body, foreign);
    expect(forged).toMatchObject({ status: 400, body: { code: 'invalid_signature' } });
    expect((await post(body, { 'content-type': 'application/json' })).body).toMatchObject({ code: 'invalid_signature' });
    const tampered = await post(body.replace('Ada', 'Eve'), signedHeaders(body));
    expect(tampered.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('malformed JSON or an event missing what we need gets 400, even when signed, and writes nothing', async () => {
    const before = await snapshot();
    const malformed = '{"type": "user.created", "data": ';
    expect(await post(malformed, signedHeaders(malformed))).toMatchObject({ status: 400, body: { code: 'invalid_json' } });
    const incomplete = JSON.stringify({ type: 'user.created', data: { first_name: 'No id' } });
    expect(await post(incomplete, signedHeaders(incomplete))).toMatchObject({ status: 400, body: { code: 'validation_error', error: expect.stringContaining('body.data.id') } });
    const noType = JSON.stringify({ data: {} });
    expect(await post(noType, signedHeaders(noType))).toMatchObject({ status: 400, body: { error: expect.stringContaining('body.type') } });
    expect(await snapshot()).toEqual(before);
  });

  it('event types we do not mirror are acknowledged and ignored', async () => {
    const before = await snapshot();
    const body = JSON.stringify({ type: 'session.created', data: { id: 'sess_1', user_id: 'user_1' } });
    expect(await post(body, signedHeaders(body))).toEqual({ status: 200, body: { received: true, result: 'ignored' } });
    expect(await snapshot()).toEqual(before);
  });

  it('without CLERK_WEBHOOK_SECRET answers 503 and writes nothing', async () => {
    const before = await snapshot();
    const body = userCreated(`user_${unique()}`);
    expect(await post(body, signedHeaders(body), '/clerk-webhook', unconfigured.url)).toMatchObject({
      status: 503,
      body: { code: 'clerk_webhook_not_configured' },
    });
    expect(await snapshot()).toEqual(before);
  });
});

describe('POST /api/auth/clerk/webhook', () => {
  it("mirrors a membership in Clerk's shape, mapping the creator's org:admin to owner", async () => {
    const userId = `user_${unique()}`;
    const organizationId = `org_${unique()}`;
    const body = JSON.stringify({
      type: 'organizationMembership.created',
      data: {
        object: 'organization_membership',
        id: `orgmem_${unique()}`,
        role: 'org:admin',
        permissions: ['org:sys_memberships:manage'],
        created_at: 1714557600000,
        updated_at: 1714557600000,
        organization: { object: 'organization', id: organizationId, name: 'Acme', slug: `acme-${unique()}`, created_by: userId, updated_at: 1714557600000 },
        public_user_data: { user_id: userId, identifier: `${userId}@example.com`, first_name: 'Grace', last_name: null, image_url: 'https://img.clerk.com/g.png' },
      },
    });
    expect(await post(body, signedHeaders(body), '/api/auth/clerk/webhook')).toEqual({ status: 200, body: { received: true, result: 'applied' } });
    const role = await scalar(
      `select m.role from organization_members m join organizations o on o.id = m.organization_id join users u on u.id = m.user_id
       where o.clerk_id = $1 and u.clerk_id = $2`,
      [organizationId, userId],
    );
    expect(role).toBe('owner');
  });

  it('mirrors an invitation with its Clerk role mapped', async () => {
    const invitationId = `orginv_${unique()}`;
    const body = JSON.stringify({
      type: 'organizationInvitation.created',
      data: {
        object: 'organization_invitation',
        id: invitationId,
        email_address: 'Invitee@Example.com',
        role: 'org:member',
        status: 'pending',
        organization_id: `org_${unique()}`,
        public_organization_data: { id: 'x', name: 'Invited Org', slug: null, has_image: false },
        created_at: 1714557600000,
        updated_at: 1714557600000,
        expires_at: 1717149600000,
      },
    });
    expect((await post(body, signedHeaders(body), '/api/auth/clerk/webhook')).body).toEqual({ received: true, result: 'applied' });
    const { rows } = await pool.query('select email, role, status, expires_at from organization_invitations where clerk_id = $1', [invitationId]);
    expect(rows).toEqual([{ email: 'invitee@example.com', role: 'member', status: 'pending', expires_at: new Date(1717149600000) }]);
  });
});

describe('deliveries out of order after a deletion', () => {
  const T = Date.UTC(2024, 4, 1);
  const minutes = (n: number) => T + n * 60_000;
  const send = async (type: string, data: Record<string, unknown>, timestamp?: number) => {
    const body = JSON.stringify({ object: 'event', type, data, ...(timestamp !== undefined && { timestamp }) });
    return (await post(body, signedHeaders(body))).body.result;
  };
  const user = (id: string, updatedAt: number, firstName = 'Ada') => ({
    id,
    first_name: firstName,
    email_addresses: [{ id: 'idn_1', email_address: `${id}@example.com` }],
    primary_email_address_id: 'idn_1',
    updated_at: updatedAt,
  });
  const organization = (id: string, updatedAt: number, name = 'Acme') => ({ id, name, slug: `acme-${id.toLowerCase()}`, updated_at: updatedAt });
  const membership = (organizationId: string, userId: string, updatedAt: number, id = `orgmem_${unique()}`) => ({
    id,
    role: 'org:member',
    updated_at: updatedAt,
    organization: { id: organizationId, name: 'Acme', slug: `acme-${organizationId.toLowerCase()}` },
    public_user_data: { user_id: userId, identifier: `${userId}@example.com` },
  });
  const rowCount = async (query: string, values: unknown[]) => Number(await scalar(`select count(*)::int from ${query}`, values));
  const memberCount = (organizationId: string, userId: string) =>
    rowCount('organization_members m join organizations o on o.id = m.organization_id join users u on u.id = m.user_id where o.clerk_id = $1 and u.clerk_id = $2', [organizationId, userId]);

  it('an older membership update after its deletion is stale; the member added again later is back', async () => {
    const organizationId = `org_${unique()}`;
    const userId = `user_${unique()}`;
    const first = membership(organizationId, userId, minutes(0));
    expect(await send('organizationMembership.created', first)).toBe('applied');
    expect(await send('organizationMembership.deleted', { ...first, updated_at: minutes(1) }, minutes(2))).toBe('applied');
    const tombstones = await pool.query('select object_type, clerk_id, deleted_at from clerk_tombstones where clerk_id = $1', [`${organizationId}/${userId}`]);
    expect(tombstones.rows).toEqual([{ object_type: 'membership', clerk_id: `${organizationId}/${userId}`, deleted_at: new Date(minutes(2)) }]);

    expect(await send('organizationMembership.updated', { ...first, role: 'org:admin', updated_at: minutes(1) })).toBe('stale');
    expect(await send('organizationMembership.created', first)).toBe('stale');
    expect(await memberCount(organizationId, userId)).toBe(0);

    expect(await send('organizationMembership.created', membership(organizationId, userId, minutes(3)))).toBe('applied');
    expect(await memberCount(organizationId, userId)).toBe(1);
  });

  it('a user deleted stays deleted: late user and membership events neither restore nor recreate it', async () => {
    const userId = `user_${unique()}`;
    expect(await send('user.created', user(userId, minutes(0)))).toBe('applied');
    expect(await send('user.deleted', { id: userId, object: 'user', deleted: true }, minutes(5))).toBe('applied');
    expect(await send('user.updated', user(userId, minutes(4), 'Late'))).toBe('stale');
    expect(await send('organizationMembership.created', membership(`org_${unique()}`, userId, minutes(4)))).toBe('stale');
    expect(await rowCount('users where clerk_id = $1', [userId])).toBe(0);
  });

  it('an organization deleted stays deleted: late updates, memberships and invitations do not bring it back', async () => {
    const organizationId = `org_${unique()}`;
    expect(await send('organization.created', organization(organizationId, minutes(0)))).toBe('applied');
    expect(await send('organization.deleted', { id: organizationId, object: 'organization', deleted: true }, minutes(5))).toBe('applied');
    expect(await send('organization.updated', organization(organizationId, minutes(4), 'Late'))).toBe('stale');
    expect(await send('organizationMembership.updated', membership(organizationId, `user_${unique()}`, minutes(4)))).toBe('stale');
    const invitation = { id: `orginv_${unique()}`, email_address: 'late@example.com', role: 'org:member', status: 'pending', organization_id: organizationId, updated_at: minutes(4) };
    expect(await send('organizationInvitation.created', invitation)).toBe('stale');
    expect(await rowCount('organizations where clerk_id = $1', [organizationId])).toBe(0);
  });

  it('a deletion delivered before the creation it follows, and dated by svix when Clerk sends no timestamp, still wins', async () => {
    const userId = `user_${unique()}`;
    // No `timestamp` in the envelope: the deletion is dated by the signed svix-timestamp (now).
    expect(await send('user.deleted', { id: userId, object: 'user', deleted: true })).toBe('ignored');
    expect(await send('user.created', user(userId, Date.now() - 60_000))).toBe('stale');
    expect(await rowCount('users where clerk_id = $1', [userId])).toBe(0);
  });
});
