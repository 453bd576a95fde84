import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRouteDefinition } from '../../src/http/registry.js';
import { expectStatus, fillPath, routeId, sampleBody, startWorld, type Target } from './fixtures.js';
import { describeResponse, errorOf, type ApiResponse } from './http-client.js';

// The registry as served: routes added later are covered without editing this file.
const world = await startWorld();
afterAll(() => world.close());

const { a, b } = world;
const ownerA = a.users.owner;
const paramsOf = (route: AnyRouteDefinition) => [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
/** Params naming no stored thing (an AI task is one of a fixed list): the same in every organization. */
const sharedParams = new Set(['task']);
const idParamsOf = (route: AnyRouteDefinition) => paramsOf(route).filter((param) => !sharedParams.has(param));
const sessionRoutes = world.routes.filter((route) => route.surface === 'dashboard' && route.auth === 'session');
const apiKeyRoutes = world.routes.filter((route) => route.auth === 'apiKey');
const bodyFor = (route: AnyRouteDefinition, target: Target) => (route.method === 'get' ? undefined : sampleBody(route, target));

// B's trace gets a span too, so that the snapshots below compare spans (written directly: using B's key
// here would record its use while the tests run).
const spanOfB = { id: 'span-of-b', name: 'Span of B' };
await world.provider.traces.ingest({ actor: { type: 'system' } }, b.projectId, [
  { id: 'event-span-of-b', timestamp: new Date().toISOString(), type: 'span-create', body: { ...spanOfB, traceId: b.traceId, type: 'llm_call', model: 'model-b-1', input: 'Secret input of B' } },
]);

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
    aiSettings: await provider.aiSettings.get(organizationId),
    modelPrices: await provider.traces.listPrices(organizationId),
    audit: await provider.audit.list(organizationId, { limit: 10_000 }),
    contents: await Promise.all(projects.map((project) => projectContents(project.id))),
  };
}

/** A project's prompts with their versions and label history, protected labels, promotion requests, traces with their spans. */
async function projectContents(projectId: string) {
  const { provider } = world;
  const prompts = await provider.prompts.list(projectId, { limit: 10_000 });
  const keys = prompts.map((prompt) => prompt.key);
  const traces = await provider.traces.list(projectId, { limit: 10_000 });
  return {
    prompts,
    versions: Object.fromEntries(await provider.prompts.listVersionsOf(projectId, keys)),
    labelHistory: await Promise.all(keys.map((key) => provider.prompts.labelHistory(projectId, key))),
    protectedLabels: await provider.promotions.protectedLabels(projectId),
    promotionRequests: await provider.promotions.list(projectId, { limit: 1_000 }),
    traces: await Promise.all(traces.map((trace) => provider.traces.get(projectId, trace.traceId))),
    retentionDays: await provider.traces.retention(projectId),
  };
}

async function snapshotOfB() {
  return {
    ...(await snapshot(b.orgId)),
    ownerSessions: await world.provider.sessions.list(b.owner.userId),
    ownerPasswordHash: await world.provider.users.getPasswordHash(b.owner.userId),
  };
}

type SnapshotOfB = Awaited<ReturnType<typeof snapshotOfB>>;

/** The comparison means something only if B has one of each. */
function expectSomethingOfEach(state: SnapshotOfB): void {
  const [contents] = state.contents;
  expect(contents?.prompts.map((prompt) => prompt.key)).toEqual([b.key]);
  expect(Object.values(contents?.versions ?? {}).flat().length).toBeGreaterThan(0);
  expect(contents?.protectedLabels.map((label) => label.label)).toContain(b.label);
  expect(contents?.promotionRequests.map((request) => request.id)).toContain(b.requestId);
  expect(contents?.traces.flatMap((trace) => trace?.spans.map((span) => span.spanId) ?? [])).toEqual([spanOfB.id]);
  expect(state.modelPrices.filter((price) => price.scope === 'organization').map((price) => price.id)).toEqual([b.priceId]);
}

function expectNotFound(response: ApiResponse<unknown>): void {
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
  priceId: randomUUID(),
  key: `nowhere-${randomUUID().slice(0, 8)}`,
  traceId: `nowhere-${randomUUID().slice(0, 8)}`,
});

describe("the owner of organization A on organization B's ids", () => {
  let before: { a: Awaited<ReturnType<typeof snapshot>>; b: SnapshotOfB };
  beforeAll(async () => {
    before = { a: await snapshot(a.orgId), b: await snapshotOfB() };
    expectSomethingOfEach(before.b);
  });

  for (const route of sessionRoutes.filter((candidate) => paramsOf(candidate).length > 0)) {
    it(`${routeId(route)} with every id from B answers 404, exactly as for ids that exist nowhere`, async () => {
      const response = await world.api.call(route.method, fillPath(route, b), { session: ownerA, body: bodyFor(route, b) });
      expectNotFound(response);
      const elsewhere = nowhere();
      const missing = await world.api.call(route.method, fillPath(route, elsewhere), { session: ownerA, body: bodyFor(route, elsewhere) });
      expect(missing.body).toEqual(response.body);
    });
  }

  // The sharper case: A's own organization in the path, so only the scoping of the lookups stands between A and B.
  for (const route of sessionRoutes.filter((candidate) => idParamsOf(candidate).includes('orgId') && idParamsOf(candidate).length > 1)) {
    it(`${routeId(route)} with A's organization and B's other ids answers 404, exactly as for ids that exist nowhere`, async () => {
      const target = { ...b, orgId: a.orgId, orgSlug: a.orgSlug };
      const response = await world.api.call(route.method, fillPath(route, target), { session: ownerA, body: bodyFor(route, target) });
      expectNotFound(response);
      const elsewhere = { ...nowhere(), orgId: a.orgId, orgSlug: a.orgSlug };
      const missing = await world.api.call(route.method, fillPath(route, elsewhere), { session: ownerA, body: bodyFor(route, elsewhere) });
      expect(missing.body).toEqual(response.body);
    });
  }

  it("does not list B's organization among A's owner's organizations", async () => {
    const response = await world.api.get<{ organizations: Array<{ id: string }> }>('/api/dashboard/orgs', { session: ownerA });
    expectStatus(response, 200);
    expect(response.body.organizations.map((organization) => organization.id)).toEqual([a.orgId]);
  });

  it('leaves organization B (its prompts, versions, labels, requests, traces, spans, prices …), its owner, and organization A exactly as they were', async () => {
    expect(await snapshotOfB()).toEqual(before.b);
    expect(await snapshot(a.orgId)).toEqual(before.a);
  });
});

/** Query and body fields in which the public APIs name a prompt or a trace of the key's project. */
const targetFields = (target: Target): Record<string, string> => ({ key: target.key, promptKey: target.key, traceId: target.traceId });
const fieldsOf = (schema: unknown) => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []);
const namedFields = (route: AnyRouteDefinition) => ({
  query: fieldsOf(route.request?.query).filter((field) => field in targetFields(b)),
  body: fieldsOf(route.request?.body).filter((field) => field in targetFields(b)),
});
const namesTarget = (route: AnyRouteDefinition) => paramsOf(route).length === 0 && Object.values(namedFields(route)).some((fields) => fields.length > 0);

/** The route called with the target's prompt key or trace id wherever its query or body names one. */
function callNaming(route: AnyRouteDefinition, target: Target, apiKeySecret: string) {
  const values = targetFields(target);
  const { query, body } = namedFields(route);
  const search = new URLSearchParams(query.map((field): [string, string] => [field, values[field]!]));
  const named = Object.fromEntries(body.map((field) => [field, values[field]]));
  return world.api.call(route.method, search.size > 0 ? `${route.path}?${search}` : route.path, {
    headers: { 'x-api-key': apiKeySecret },
    body: route.method === 'get' ? undefined : { ...(sampleBody(route, target) as object), ...named },
  });
}

/** What of B an answer must never contain. */
const tracesOfB = () => [b.orgId, b.projectId, b.apiKeyId, b.owner.userId, b.traceId, spanOfB.id, spanOfB.name, 'Secret input of B', 'Hello from B'];

describe("an API key of project A on organization B's ids and names", () => {
  const keyA = { headers: { 'x-api-key': a.apiKeySecret } };
  let before: SnapshotOfB;
  beforeAll(async () => {
    before = await snapshotOfB();
    expectSomethingOfEach(before);
  });

  for (const route of apiKeyRoutes.filter((candidate) => paramsOf(candidate).length > 0)) {
    it(`${routeId(route)} with B's ids answers 404, as for ids that exist nowhere`, async () => {
      const response = await world.api.call(route.method, fillPath(route, b), { ...keyA, body: bodyFor(route, b) });
      expectNotFound(response);
      const elsewhere = nowhere();
      const missing = await world.api.call(route.method, fillPath(route, elsewhere), { ...keyA, body: bodyFor(route, elsewhere) });
      expect([missing.status, errorOf(missing)?.code]).toEqual([response.status, errorOf(response)?.code]);
    });
  }

  // Routes that look up what the query or body names (the original API's `?key=`, `{ key }`) and can answer 404.
  for (const route of apiKeyRoutes.filter((candidate) => namesTarget(candidate) && 404 in candidate.responses)) {
    it(`${routeId(route)} naming B's prompt or trace in its query or body answers 404, as for names that exist nowhere`, async () => {
      const response = await callNaming(route, b, a.apiKeySecret);
      expectNotFound(response);
      const missing = await callNaming(route, nowhere(), a.apiKeySecret);
      expect([missing.status, errorOf(missing)?.code]).toEqual([response.status, errorOf(response)?.code]);
    });
  }

  // Reads that filter by a name (`/api/logs?promptKey=`): an empty answer, nothing of B's.
  for (const route of apiKeyRoutes.filter((candidate) => candidate.method === 'get' && !(404 in candidate.responses) && namesTarget(candidate))) {
    it(`${routeId(route)} filtering by B's names tells nothing of organization B`, async () => {
      const response = await callNaming(route, b, a.apiKeySecret);
      expect(response.status, describeResponse(response)).toBeLessThan(500);
      for (const secret of tracesOfB()) expect(response.text).not.toContain(secret);
    });
  }

  for (const route of apiKeyRoutes.filter((candidate) => candidate.method === 'get' && paramsOf(candidate).length === 0)) {
    it(`${routeId(route)} tells nothing of organization B`, async () => {
      const response = await world.api.call(route.method, route.path, keyA);
      expect(response.status, describeResponse(response)).toBeLessThan(500);
      for (const secret of tracesOfB()) expect(response.text).not.toContain(secret);
    });
  }

  // Last, as they create in A what B has (a prompt `prompt-b`, a trace `trace-b`): that must stay A's.
  for (const route of apiKeyRoutes.filter((candidate) => candidate.method !== 'get' && !(404 in candidate.responses) && namesTarget(candidate))) {
    it(`${routeId(route)} with B's names answers without failing (what it creates is A's)`, async () => {
      const response = await callNaming(route, b, a.apiKeySecret);
      expect(response.status, describeResponse(response)).toBeLessThan(500);
    });
  }

  it("what was created under B's names is in A's project", async () => {
    expect(await world.provider.prompts.get(a.projectId, b.key)).not.toBeNull();
    expect(await world.provider.traces.get(a.projectId, b.traceId)).not.toBeNull();
  });

  it('leaves organization B (its prompts, versions, labels, requests, traces, spans, prices …) exactly as it was', async () => {
    expect(await snapshotOfB()).toEqual(before);
  });

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

/** Routes taking a project API key or a session (`apiKeyOrSession`); a session names its organization in the body. */
const eitherRoutes = world.routes.filter((route) => route.auth === 'apiKeyOrSession');
const aiCallsOf = async (organizationId: string) => (await world.provider.aiUsage.list(organizationId)).length;

describe("routes taking an API key or a session, across organizations", () => {
  it('include the original streaming edit', () => {
    expect(eitherRoutes.map(routeId)).toContain('POST /api/edit-prompt/stream');
  });

  for (const route of eitherRoutes) {
    it(`${routeId(route)} with B's API key naming organization A works in B: B's provider key, B's usage, nothing of A's`, async () => {
      const [callsOfA, callsOfB] = [await aiCallsOf(a.orgId), await aiCallsOf(b.orgId)];
      world.llm.requests.length = 0;
      const response = await world.api.call(route.method, fillPath(route, b), { headers: { 'x-api-key': b.apiKeySecret }, body: { ...(sampleBody(route, b) as object), organizationId: a.orgId } });
      expectStatus(response, 200);
      const keysSent = world.llm.requests.map((request) => request.headers.authorization);
      expect(keysSent.length).toBeGreaterThan(0);
      for (const sent of keysSent) expect(sent).toBe('Bearer sk-B-0123456789abcdef');
      expect(await aiCallsOf(a.orgId)).toBe(callsOfA);
      expect(await aiCallsOf(b.orgId)).toBeGreaterThan(callsOfB);
      for (const secret of [a.orgId, a.projectId, a.key]) expect(response.text).not.toContain(secret);
    });

    it(`${routeId(route)} with A's owner's session naming organization B answers 404, as for one that exists nowhere`, async () => {
      const named = async (organizationId: string) => world.api.call(route.method, fillPath(route, a), { session: ownerA, body: { ...(sampleBody(route, a) as object), organizationId } });
      const response = await named(b.orgId);
      expectNotFound(response);
      expect((await named(randomUUID())).body).toEqual(response.body);
    });
  }
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
