import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRouteDefinition } from '../../src/http/registry.js';
import { expectStatus, fillPath, routeId, sampleBody, startWorld, type Target } from './fixtures.js';
import { describeResponse, errorOf } from './http-client.js';

// The registry as served: routes added later are covered without editing this file.
const world = await startWorld();
afterAll(() => world.close());

const { a, b } = world;
const ownerA = a.users.owner;
const paramsOf = (route: AnyRouteDefinition) => [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
const sessionRoutes = world.routes.filter((route) => route.surface === 'dashboard' && route.auth === 'session');
const apiKeyRoutes = world.routes.filter((route) => route.auth === 'apiKey');
const bodyFor = (route: AnyRouteDefinition, target: Target) => (route.method === 'get' ? undefined : sampleBody(route, target));

/** Everything of an organization, read through the provider. */
async function snapshot(organizationId: string) {
  const { provider } = world;
  const projects = await provider.projects.list(organizationId);
  return {
    organization: await provider.orgs.get(organizationId),
    projects,
    members: await provider.members.list(organizationId),
    invitations: await provider.invitations.list(organizationId),
    apiKeys: await Promise.all(projects.map((project) => provider.apiKeys.list(organizationId, project.id))),
    providerKeys: await provider.providerKeys.list(organizationId),
    audit: await provider.audit.list(organizationId, { limit: 10_000 }),
  };
}

async function snapshotOfB() {
  return {
    ...(await snapshot(b.orgId)),
    ownerSessions: await world.provider.sessions.list(b.owner.userId),
    ownerPasswordHash: await world.provider.users.getPasswordHash(b.owner.userId),
  };
}

function expectNotFound(response: Awaited<ReturnType<typeof world.api.call>>): void {
  expectStatus(response, 404);
  expect(errorOf(response)?.code, describeResponse(response)).toMatch(/_not_found$/);
}

/** Ids of nothing at all: another organization's resource must read exactly like these. */
const nowhere = (): Target => ({
  ...b,
  orgId: randomUUID(),
  projectId: randomUUID(),
  apiKeyId: randomUUID(),
  providerKeyId: randomUUID(),
  userId: randomUUID(),
  invitationId: randomUUID(),
  sessionId: randomUUID(),
  requestId: randomUUID(),
});

describe("the owner of organization A on organization B's ids", () => {
  let before: { a: Awaited<ReturnType<typeof snapshot>>; b: Awaited<ReturnType<typeof snapshotOfB>> };
  beforeAll(async () => {
    before = { a: await snapshot(a.orgId), b: await snapshotOfB() };
  });

  for (const route of sessionRoutes.filter((candidate) => paramsOf(candidate).length > 0)) {
    it(`${routeId(route)} with every id from B answers 404, exactly as for ids that exist nowhere`, async () => {
      const response = await world.api.call(route.method, fillPath(route, b), { session: ownerA, body: bodyFor(route, b) });
      expectNotFound(response);
      const missing = await world.api.call(route.method, fillPath(route, nowhere()), { session: ownerA, body: bodyFor(route, b) });
      expect(missing.body).toEqual(response.body);
    });
  }

  // The sharper case: A's own organization in the path, so only the scoping of the lookups stands between A and B.
  for (const route of sessionRoutes.filter((candidate) => paramsOf(candidate).includes('orgId') && paramsOf(candidate).length > 1)) {
    it(`${routeId(route)} with A's organization and B's other ids answers 404, exactly as for ids that exist nowhere`, async () => {
      const target = { ...b, orgId: a.orgId, orgSlug: a.orgSlug };
      const response = await world.api.call(route.method, fillPath(route, target), { session: ownerA, body: bodyFor(route, target) });
      expectNotFound(response);
      const missing = await world.api.call(route.method, fillPath(route, { ...nowhere(), orgId: a.orgId }), { session: ownerA, body: bodyFor(route, target) });
      expect(missing.body).toEqual(response.body);
    });
  }

  it("does not list B's organization among A's owner's organizations", async () => {
    const response = await world.api.get<{ organizations: Array<{ id: string }> }>('/api/dashboard/orgs', { session: ownerA });
    expectStatus(response, 200);
    expect(response.body.organizations.map((organization) => organization.id)).toEqual([a.orgId]);
  });

  it('leaves organization B, its owner, and organization A exactly as they were', async () => {
    expect(await snapshotOfB()).toEqual(before.b);
    expect(await snapshot(a.orgId)).toEqual(before.a);
  });
});

describe("an API key of project A on organization B's ids", () => {
  const keyA = { headers: { 'x-api-key': a.apiKeySecret } };

  for (const route of apiKeyRoutes) {
    if (paramsOf(route).length > 0) {
      it(`${routeId(route)} with B's ids answers 404`, async () => {
        const response = await world.api.call(route.method, fillPath(route, b), { ...keyA, body: bodyFor(route, b) });
        expectNotFound(response);
      });
    } else if (route.method === 'get') {
      it(`${routeId(route)} tells nothing of organization B`, async () => {
        const response = await world.api.call(route.method, route.path, keyA);
        expect(response.status, describeResponse(response)).toBeLessThan(500);
        for (const id of [b.orgId, b.projectId, b.apiKeyId, b.owner.userId]) expect(response.text).not.toContain(id);
      });
    }
  }

  it('reaches only its own project', async () => {
    const other = await world.api.post<{ id: string }>(`/api/dashboard/orgs/${a.orgId}/projects`, { name: 'Another project of A' }, { session: ownerA });
    expectStatus(other, 201);
    const response = await world.api.get<{ id: string; organizationId: string }>('/api/v1/project', keyA);
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ id: a.projectId, organizationId: a.orgId });
  });

  it("and B's key reaches only B's project", async () => {
    const response = await world.api.get<{ id: string }>('/api/v1/project', { headers: { authorization: `Bearer ${b.apiKeySecret}` } });
    expectStatus(response, 200);
    expect(response.body.id).toBe(b.projectId);
  });
});

describe('refused requests leave no trace', () => {
  it("ending another user's session is 404 and writes no audit entry", async () => {
    const count = async () => Number((await world.sql<{ count: string }>('select count(*) from audit_log'))[0]!.count);
    const entriesBefore = await count();
    const response = await world.api.delete(`/api/dashboard/auth/sessions/${b.owner.sessionId}`, { session: ownerA });
    expectNotFound(response);
    expect(await world.provider.sessions.list(b.owner.userId)).toHaveLength(1);
    // Nothing was signed out, so nothing should be on record as signed out.
    expect(await count()).toBe(entriesBefore);
  });
});
