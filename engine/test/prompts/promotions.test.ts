import { afterAll, describe, expect, it } from 'vitest';
import { expectError, expectStatus, startWorld } from '../access/fixtures.js';

const world = await startWorld();
afterAll(() => world.close());

/** Protected labels as a team meets them in the dashboard: members ask, admins decide, with the diff. */
describe('protected labels and promotion requests', () => {
  const { a, api } = world;
  const project = `/api/dashboard/orgs/${a.orgId}/projects/${a.projectId}`;
  const prompts = `${project}/prompts`;
  const { owner, admin, member, viewer } = a.users;

  it('lets a member deploy at once until an admin protects production, then asks an admin who sees the diff', async () => {
    expectStatus(await api.post(prompts, { key: 'welcome', template: 'Hello {{name}}.\nBe brief.', labels: ['production'] }, { session: member }), 201);
    expectStatus(await api.post(`${prompts}/welcome/versions`, { template: 'Hello {{name}}!\nBe brief.\nSign off.', commitMessage: 'warmer' }, { session: member }), 201);

    expectError(await api.post(`${project}/protected-labels`, { label: 'production' }, { session: member }), 403, 'insufficient_role');
    const protectedNow = await api.post<{ labels: Array<{ label: string }> }>(`${project}/protected-labels`, { label: 'production' }, { session: admin });
    expectStatus(protectedNow, 200);
    expect(protectedNow.body.labels.map((entry) => entry.label)).toEqual(['gated', 'production']);
    expect((await api.get<{ labels: unknown[] }>(`${project}/protected-labels`, { session: viewer })).body.labels).toHaveLength(2);

    const asked = await api.patch<{ labels: Record<string, number>; promotionRequests: Array<{ id: string; status: string; toVersion: number; requestedBy: { name: string } }> }>(
      `${prompts}/welcome/labels`,
      { labels: { production: 2, staging: 2 }, comment: 'ship the warmer greeting' },
      { session: member },
    );
    expectStatus(asked, 202);
    expect(asked.body.labels).toMatchObject({ production: 1, staging: 2 });
    expect(asked.body.promotionRequests).toMatchObject([{ status: 'pending', toVersion: 2 }]);
    const requestId = asked.body.promotionRequests[0]!.id;

    const pending = await api.get<{ requests: Array<{ id: string; promptKey: string; comment: string }> }>(`${project}/promotion-requests?status=pending&key=welcome`, { session: viewer });
    expectStatus(pending, 200);
    expect(pending.body.requests).toMatchObject([{ id: requestId, promptKey: 'welcome', comment: 'ship the warmer greeting' }]);

    const detail = await api.get<{ request: { currentVersion: number }; diff: { from: number; to: number; template: { parts: Array<{ value: string; added: boolean; removed: boolean }>; additions: number; deletions: number } } }>(
      `${project}/promotion-requests/${requestId}`,
      { session: admin },
    );
    expectStatus(detail, 200);
    expect(detail.body.diff).toMatchObject({ from: 1, to: 2, template: { additions: 2, deletions: 1 } });
    expect(detail.body.diff.template.parts.filter((part) => part.removed).map((part) => part.value)).toEqual(['Hello {{name}}.\n']);

    expectError(await api.post(`${project}/promotion-requests/${requestId}/approve`, {}, { session: member }), 403, 'insufficient_role');
    const approved = await api.post<{ status: string; decidedBy: { name: string } }>(`${project}/promotion-requests/${requestId}/approve`, { note: 'reviewed' }, { session: admin });
    expectStatus(approved, 200);
    expect(approved.body.status).toBe('approved');
    expectError(await api.post(`${project}/promotion-requests/${requestId}/reject`, {}, { session: owner }), 409, 'promotion_not_pending');

    const served = await api.get<{ version: number }>('/api/v1/prompts/welcome', { headers: { 'x-api-key': a.apiKeySecret } });
    expect(served.body.version).toBe(2);
    const history = await api.get<{ history: Array<{ label: string; toVersion: number; actorUserId: string }> }>(`${prompts}/welcome`, { session: viewer });
    expect(history.body.history[0]).toMatchObject({ label: 'production', toVersion: 2, actorUserId: admin.userId });
  });

  it('moves a protected label at once for an admin, and lets only the requester withdraw a request', async () => {
    expectStatus(await api.patch(`${prompts}/welcome/labels`, { labels: { production: 1 } }, { session: admin }), 200);
    const asked = await api.patch<{ promotionRequests: Array<{ id: string }> }>(`${prompts}/welcome/labels`, { labels: { production: 2 } }, { session: member });
    expectStatus(asked, 202);
    const requestId = asked.body.promotionRequests[0]!.id;
    const other = await world.createUser('second-member@example.test', { organizationId: a.orgId, role: 'member' });
    const otherSession = await world.signIn(other.email);
    expectError(await api.post(`${project}/promotion-requests/${requestId}/cancel`, {}, { session: otherSession }), 403, 'not_requester');
    const cancelled = await api.post<{ status: string }>(`${project}/promotion-requests/${requestId}/cancel`, {}, { session: member });
    expectStatus(cancelled, 200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await api.get<{ version: number }>('/api/v1/prompts/welcome', { headers: { 'x-api-key': a.apiKeySecret } })).body.version).toBe(1);
  });

  it('makes an API key ask too, for saves with labels and for label moves', async () => {
    const headers = { 'x-api-key': a.apiKeySecret };
    const saved = await api.post<{ version: { version: number; labels: string[] } }>('/api/v1/prompts', { key: 'welcome', template: 'Hello {{name}}, v3', labels: ['production'] }, { headers });
    expectStatus(saved, 201);
    expect(saved.body.version.labels).not.toContain('production');
    const moved = await api.patch<{ labels: Record<string, number>; promotionRequests: Array<{ toVersion: number; requestedBy: { apiKeyId: string; name: string } }> }>(
      '/api/v1/prompts/welcome/labels',
      { labels: { production: 3 } },
      { headers },
    );
    expectStatus(moved, 202);
    expect(moved.body.promotionRequests[0]).toMatchObject({ toVersion: 3, requestedBy: { apiKeyId: a.apiKeyId } });
    expect(moved.body.promotionRequests[0]!.requestedBy.name).toMatch(/^API key/);
    expect(moved.body.labels.production).toBe(1);
  });

  it('unprotects a label: pending requests stay for an admin, new moves go through', async () => {
    const removed = await api.delete<{ labels: Array<{ label: string }> }>(`${project}/protected-labels/production`, { session: admin });
    expectStatus(removed, 200);
    expect(removed.body.labels.map((entry) => entry.label)).toEqual(['gated']);
    expect((await api.get<{ requests: unknown[] }>(`${project}/promotion-requests?status=pending&key=welcome`, { session: viewer })).body.requests).toHaveLength(1);
    expectStatus(await api.patch(`${prompts}/welcome/labels`, { labels: { production: 3 } }, { session: member }), 200);
  });

  it('diffs any two versions, newest against the one before by default', async () => {
    const diff = await api.get<{ from: number; to: number; identical: boolean }>(`${prompts}/welcome/diff`, { session: viewer });
    expectStatus(diff, 200);
    expect(diff.body).toMatchObject({ from: 2, to: 3, identical: false });
    expectStatus(await api.get(`${prompts}/welcome/diff?from=1&to=3`, { session: viewer }), 200);
    expectError(await api.get(`${prompts}/welcome/diff?from=1&to=9`, { session: viewer }), 404, 'version_not_found');
    expectError(await api.get(`${prompts}/welcome/diff?from=zero`, { session: viewer }), 400, 'validation_error');
  });
});
