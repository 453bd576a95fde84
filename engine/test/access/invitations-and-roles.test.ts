import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectStatus, linkToken, PASSWORD, startWorld, type World } from './fixtures.js';
import { issuePaths, sessionCookie, type Credentials } from './http-client.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.close());

describe('invitations', () => {
  const invite = async (email: string, body: Record<string, unknown> = {}) => {
    const response = await world.api.post<{ invitation: { id: string }; url: string }>(`/api/dashboard/orgs/${world.a.orgId}/invitations`, { email, ...body }, { session: world.a.users.admin });
    expectStatus(response, 201);
    return { invitationId: response.body.invitation.id, token: linkToken(response.body.url, '/invite/') };
  };
  const accept = (token: string, body: unknown, session?: Credentials) => world.api.post<{ organizationId: string; role: string }>(`/api/dashboard/invitations/${token}/accept`, body, { session });

  it('refuses an expired invitation with 410 and creates no account', async () => {
    const { invitationId, token } = await invite('late@example.test', { expiresInDays: 1 });
    await world.sql(`update organization_invitations set expires_at = now() - interval '1 hour' where id = $1`, [invitationId]);
    const preview = await world.api.get<{ status: string }>(`/api/dashboard/invitations/${token}`);
    expect(preview.body.status).toBe('expired');
    expectError(await accept(token, { password: PASSWORD }), 410, 'invitation_expired');
    expect(await world.provider.users.findByEmail('late@example.test')).toBeNull();
  });

  it('refuses a withdrawn invitation with 409 and creates no account', async () => {
    const { invitationId, token } = await invite('withdrawn@example.test');
    expectStatus(await world.api.delete(`/api/dashboard/orgs/${world.a.orgId}/invitations/${invitationId}`, { session: world.a.users.admin }), 200);
    expectError(await accept(token, { password: PASSWORD }), 409, 'invitation_revoked');
    expect(await world.provider.users.findByEmail('withdrawn@example.test')).toBeNull();
  });

  it('works once: a reused link gets 409', async () => {
    const { token } = await invite('once@example.test', { role: 'viewer' });
    const accepted = await accept(token, { password: PASSWORD, name: 'Once Only' });
    expectStatus(accepted, 200);
    expect(accepted.body).toMatchObject({ organizationId: world.a.orgId, role: 'viewer' });
    const session = { cookie: sessionCookie(accepted), csrfToken: (accepted.body as unknown as { csrfToken: string }).csrfToken };
    expectError(await accept(token, { password: PASSWORD }), 409, 'invitation_used');
    expectError(await accept(token, {}, session), 409, 'invitation_used');
  });

  it('refuses a signed-in user whose email is not the invited one, with 403', async () => {
    const { token } = await invite('someone-else@example.test');
    expectError(await accept(token, {}, world.a.users.member), 403, 'invitation_for_other_email');
    expect(await world.provider.orgs.getRole(world.a.orgId, world.a.users.member.userId)).toBe('member');
  });

  it('lets the invited user join while signed in, in the invited role', async () => {
    const user = await world.createUser('joiner@example.test');
    const session = await world.freshSession(user.userId);
    const { token } = await invite('joiner@example.test', { role: 'admin' });
    const accepted = await accept(token, {}, session);
    expectStatus(accepted, 200);
    expect(await world.provider.orgs.getRole(world.a.orgId, user.userId)).toBe('admin');
  });

  it('cannot invite anyone as owner', async () => {
    const response = await world.api.post(`/api/dashboard/orgs/${world.a.orgId}/invitations`, { email: 'would-be-owner@example.test', role: 'owner' }, { session: world.a.users.owner });
    expectError(response, 400, 'validation_error');
    expect(issuePaths(response)).toEqual(['body.role']);
  });

  it('refuses a short password for a new account, naming body.password', async () => {
    const { token } = await invite('brief@example.test');
    const response = await accept(token, { password: 'short' });
    expectError(response, 400, 'validation_error');
    expect(issuePaths(response)).toEqual(['body.password']);
  });
});

describe('owners', () => {
  const membersPath = (userId: string) => `/api/dashboard/orgs/${world.a.orgId}/members/${userId}`;

  it('the last owner can neither leave nor be demoted (409 last_owner)', async () => {
    const owner = world.a.users.owner;
    expectError(await world.api.post(`/api/dashboard/orgs/${world.a.orgId}/leave`, undefined, { session: owner }), 409, 'last_owner');
    expectError(await world.api.patch(membersPath(owner.userId), { role: 'admin' }, { session: owner }), 409, 'last_owner');
    expectError(await world.api.delete(membersPath(owner.userId), { session: owner }), 409, 'last_owner');
    expect(await world.provider.orgs.getRole(world.a.orgId, owner.userId)).toBe('owner');
  });

  it('an admin can neither make someone owner nor change an owner (403 owner_only)', async () => {
    const admin = world.a.users.admin;
    expectError(await world.api.patch(membersPath(world.a.users.member.userId), { role: 'owner' }, { session: admin }), 403, 'owner_only');
    expectError(await world.api.patch(membersPath(admin.userId), { role: 'owner' }, { session: admin }), 403, 'owner_only');
    expectError(await world.api.patch(membersPath(world.a.users.owner.userId), { role: 'viewer' }, { session: admin }), 403, 'owner_only');
    expectError(await world.api.delete(membersPath(world.a.users.owner.userId), { session: admin }), 403, 'owner_only');
    expect(await world.provider.orgs.getRole(world.a.orgId, world.a.users.member.userId)).toBe('member');
  });

  it('once there is another owner, an owner may step down', async () => {
    const sandbox = await world.sandbox();
    const owner = world.a.users.owner;
    const path = (userId: string) => `/api/dashboard/orgs/${sandbox.orgId}/members/${userId}`;
    expectStatus(await world.api.patch(path(sandbox.userId), { role: 'owner' }, { session: owner }), 200);
    expectStatus(await world.api.patch(path(owner.userId), { role: 'admin' }, { session: owner }), 200);
    expect(await world.provider.orgs.getRole(sandbox.orgId, owner.userId)).toBe('admin');
  });
});

describe('membership changes', () => {
  it('two owners demoting each other at once still leave an owner', async () => {
    const sandbox = await world.sandbox();
    const owner = world.a.users.owner;
    const coOwner = await world.createUser('co-owner@example.test', { organizationId: sandbox.orgId, role: 'owner' });
    const coOwnerSession = await world.freshSession(coOwner.userId);
    const path = (userId: string) => `/api/dashboard/orgs/${sandbox.orgId}/members/${userId}`;
    const responses = await Promise.all([
      world.api.patch(path(coOwner.userId), { role: 'admin' }, { session: owner }),
      world.api.patch(path(owner.userId), { role: 'admin' }, { session: coOwnerSession }),
    ]);
    const owners = (await world.provider.members.list(sandbox.orgId)).filter((member) => member.role === 'owner');
    expect(owners).toHaveLength(1);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
  });

  it('take effect at once: a demoted admin is refused, a removed member sees nothing', async () => {
    const sandbox = await world.sandbox();
    const owner = world.a.users.owner;
    const admin = world.a.users.admin;
    const invitations = `/api/dashboard/orgs/${sandbox.orgId}/invitations`;
    expectStatus(await world.api.get(invitations, { session: admin }), 200);
    expectStatus(await world.api.patch(`/api/dashboard/orgs/${sandbox.orgId}/members/${admin.userId}`, { role: 'viewer' }, { session: owner }), 200);
    expectError(await world.api.get(invitations, { session: admin }), 403, 'insufficient_role');
    expectStatus(await world.api.delete(`/api/dashboard/orgs/${sandbox.orgId}/members/${admin.userId}`, { session: owner }), 200);
    expectError(await world.api.get(`/api/dashboard/orgs/${sandbox.orgId}/projects`, { session: admin }), 404, 'organization_not_found');
  });
});

describe("the organization's audit log", () => {
  it('records invitations, joining, role changes and key creation, with the acting user', async () => {
    const owner = world.a.users.owner;
    const changed = await world.createUser('promoted@example.test', { organizationId: world.a.orgId, role: 'member' });
    expectStatus(await world.api.patch(`/api/dashboard/orgs/${world.a.orgId}/members/${changed.userId}`, { role: 'viewer' }, { session: owner }), 200);

    const entries = await world.provider.audit.list(world.a.orgId, { limit: 1_000 });
    const find = (action: string, targetId?: string) => entries.find((entry) => entry.action === action && (targetId === undefined || entry.targetId === targetId));
    expect(find('invitation.created')).toMatchObject({ actorType: 'user', actorUserId: owner.userId, targetType: 'invitation' });
    expect(find('invitation.accepted')).toMatchObject({ actorType: 'user', targetType: 'invitation' });
    expect(find('member.role_changed', changed.userId)).toMatchObject({ actorUserId: owner.userId, summary: expect.stringContaining('member → viewer'), ip: '127.0.0.1' });
    expect(find('api_key.created', world.a.apiKeyId)).toMatchObject({ actorUserId: owner.userId, projectId: world.a.projectId });
    expect(find('provider_key.created', world.a.providerKeyId)).toMatchObject({ actorUserId: owner.userId });
  });
});
