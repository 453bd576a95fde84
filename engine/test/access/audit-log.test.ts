import { afterAll, describe, expect, it } from 'vitest';
import { auditActions, auditTargetTypes } from '../../src/audit/catalog.js';
import { expectError, expectStatus, PASSWORD, startWorld } from './fixtures.js';

const world = await startWorld();
afterAll(() => world.close());

const { a } = world;
const owner = a.users.owner;

interface EntryView {
  action: string;
  actorType: string;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  actorApiKey: { name: string; keyPrefix: string; projectId: string; projectName: string } | null;
  targetType: string | null;
  targetId: string | null;
}

const auditOf = async (organizationId: string, query: Record<string, string>) => {
  const response = await world.api.get<{ entries: EntryView[] }>(`/api/dashboard/orgs/${organizationId}/audit?${new URLSearchParams({ limit: '500', ...query })}`, { session: owner });
  expectStatus(response, 200);
  return response.body.entries;
};

describe("a person's own changes are in each of their organizations' logs", () => {
  it('ending a session, signing out the others and changing the password', async () => {
    const { id: other } = await world.provider.orgs.create({ actor: { type: 'user', userId: owner.userId } }, { name: 'Second organization', ownerUserId: owner.userId });
    const person = await world.createUser('two-orgs@example.test', { organizationId: a.orgId, role: 'member' });
    await world.addMember(other, person.userId, 'viewer');
    const [current, ended, remaining] = [await world.freshSession(person.userId), await world.freshSession(person.userId), await world.freshSession(person.userId)];

    expectStatus(await world.api.delete(`/api/dashboard/auth/sessions/${ended.sessionId}`, { session: current }), 200);
    expectStatus(await world.api.post('/api/dashboard/auth/sessions/sign-out-others', undefined, { session: current }), 200);
    expectStatus(await world.api.post('/api/dashboard/auth/password', { currentPassword: PASSWORD, newPassword: 'another long passphrase' }, { session: current }), 200);
    expectError(await world.api.get('/api/dashboard/auth/sessions', { session: remaining }), 401, 'sign_in_required');

    for (const organizationId of [a.orgId, other]) {
      const entries = await auditOf(organizationId, { actorUserId: person.userId });
      const byAction = (action: string) => entries.filter((entry) => entry.action === action);
      expect(byAction('auth.session_revoked')).toEqual([expect.objectContaining({ actorType: 'user', targetType: 'session', targetId: ended.sessionId })]);
      expect(byAction('auth.other_sessions_revoked')).toEqual([expect.objectContaining({ targetType: 'user', targetId: person.userId })]);
      expect(byAction('user.password_changed')).toEqual([expect.objectContaining({ targetType: 'user', targetId: person.userId })]);
    }
    const outsideAny = await world.sql('select action from audit_log where organization_id is null and actor_user_id = $1', [person.userId]);
    expect(outsideAny).toEqual([]);
  });
});

describe('the audit log by API key', () => {
  it("names the key that acted and filters by it, in the list and the CSV export", async () => {
    const keysPath = `/api/dashboard/orgs/${a.orgId}/projects/${a.projectId}/api-keys`;
    const second = await world.api.post<{ apiKey: { id: string; keyPrefix: string }; secret: string }>(keysPath, { name: 'Second key' }, { session: owner });
    expectStatus(second, 201);
    const created = await world.api.post('/api/v1/prompts', { key: 'by-second-key', template: 'Hi' }, { headers: { 'x-api-key': second.body.secret } });
    expectStatus(created, 201);

    const entries = await auditOf(a.orgId, { actorApiKeyId: second.body.apiKey.id });
    expect(entries.map((entry) => entry.action)).toEqual(['prompt.created']);
    expect(entries[0]).toMatchObject({
      actorType: 'api_key',
      actorApiKeyId: second.body.apiKey.id,
      actorApiKey: { name: 'Second key', keyPrefix: second.body.apiKey.keyPrefix, projectId: a.projectId, projectName: expect.any(String) },
    });
    const firstKeyEntries = await auditOf(a.orgId, { actorApiKeyId: a.apiKeyId });
    expect(firstKeyEntries.length).toBeGreaterThan(0);
    expect(firstKeyEntries.every((entry) => entry.actorApiKeyId === a.apiKeyId && entry.actorApiKey?.name === 'Key A')).toBe(true);

    const csv = await world.api.get(`/api/dashboard/orgs/${a.orgId}/audit.csv?actorApiKeyId=${second.body.apiKey.id}`, { session: owner });
    expectStatus(csv, 200);
    const [header, row, ...rest] = csv.text.trim().split('\r\n');
    expect(header).toContain('actorApiKey');
    expect(row).toContain(`"Second key (${second.body.apiKey.keyPrefix}…)"`);
    expect(rest).toEqual([]);
  });

  it("lists the organization's keys, revoked ones too, for the actor filter; admins only", async () => {
    const keysPath = `/api/dashboard/orgs/${a.orgId}/projects/${a.projectId}/api-keys`;
    const revoked = await world.api.post<{ apiKey: { id: string } }>(keysPath, { name: 'Soon revoked' }, { session: owner });
    expectStatus(await world.api.delete(`${keysPath}/${revoked.body.apiKey.id}`, { session: owner }), 200);
    const response = await world.api.get<{ apiKeys: Array<{ id: string; name: string; projectId: string; revokedAt: string | null }> }>(`/api/dashboard/orgs/${a.orgId}/audit/api-keys`, { session: owner });
    expectStatus(response, 200);
    expect(response.body.apiKeys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: a.apiKeyId, name: 'Key A', projectId: a.projectId, revokedAt: null }),
        expect.objectContaining({ id: revoked.body.apiKey.id, revokedAt: expect.any(String) }),
      ]),
    );
    expectError(await world.api.get(`/api/dashboard/orgs/${a.orgId}/audit/api-keys`, { session: a.users.member }), 403, 'insufficient_role');
  });
});

describe('filtering by action family and target type', () => {
  it('`<family>.*` matches every action of the family and nothing else', async () => {
    const entries = await auditOf(a.orgId, { action: 'prompt.*' });
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((entry) => entry.action.startsWith('prompt.'))).toBe(true);
    expect(await auditOf(a.orgId, { action: 'prompt' })).toEqual([]);
  });

  it('a target type the engine never records is 400', async () => {
    const response = await world.api.get(`/api/dashboard/orgs/${a.orgId}/audit?targetType=spaceship`, { session: owner });
    expectError(response, 400, 'validation_error');
  });

  it('everything recorded so far is in the catalog the audit page offers', async () => {
    const recorded = await world.sql<{ action: string; target_type: string | null }>('select distinct action, target_type from audit_log');
    for (const { action, target_type: targetType } of recorded) {
      expect(auditActions, action).toContain(action);
      if (targetType !== null) expect(auditTargetTypes, targetType).toContain(targetType);
    }
  });
});
