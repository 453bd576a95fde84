import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allows, isPermission, roles, type Permission } from '../../src/access/permissions.js';
import type { MemberRole } from '../../src/data/provider.js';
import type { AnyRouteDefinition } from '../../src/http/registry.js';
import { expectStatus, fillPath, routeId, sampleBody, startWorld, type SignedInUser, type Target } from './fixtures.js';
import { describeResponse, errorOf } from './http-client.js';

// The registry as served: routes added later are covered without editing this file.
const world = await startWorld();
afterAll(() => world.close());

const sessionRoutes = world.routes.filter((route) => route.surface === 'dashboard' && route.auth === 'session');
const changesState = (route: AnyRouteDefinition) => route.method !== 'get';
const scoped = (route: AnyRouteDefinition) => route.path.includes(':orgId');
const minimalBody = (route: AnyRouteDefinition) => (changesState(route) ? {} : undefined);

function permissionOf(route: AnyRouteDefinition): Permission {
  if (!route.permission || !isPermission(route.permission)) throw new Error(`${routeId(route)} declares no known permission`);
  return route.permission;
}

/**
 * Who calls and on what. Reads use organization A. A state-changing call gets throwaway targets so
 * that no case breaks the next: a fresh organization in which the caller has the same role, or (for
 * routes on your own account, which may sign sessions out) a new user with that role in A, signed in
 * twice.
 */
async function caseFor(route: AnyRouteDefinition, role: MemberRole): Promise<{ session: SignedInUser; target: Target }> {
  const user = world.a.users[role];
  if (!changesState(route)) return { session: user, target: world.a };
  if (scoped(route)) return { session: user, target: await world.sandbox() };
  const { userId } = await world.createUser(`self-${role}-${randomUUID()}@example.test`, { organizationId: world.a.orgId, role });
  const other = await world.freshSession(userId);
  return { session: await world.freshSession(userId), target: { ...world.a, sessionId: other.sessionId } };
}

describe('the route registry', () => {
  it('has session routes on the dashboard, each declaring a permission of the matrix', () => {
    expect(sessionRoutes.length).toBeGreaterThan(20);
    for (const route of sessionRoutes) expect(isPermission(route.permission ?? ''), routeId(route)).toBe(true);
  });
});

describe('every dashboard session route × every role of organization A', () => {
  // One test per route and role, named in full, so that a failure names both.
  for (const route of sessionRoutes) {
    for (const role of roles) {
      const allowed = allows(role, permissionOf(route));
      it(`${routeId(route)} as ${role} is ${allowed ? 'allowed' : 'refused with 403 insufficient_role'}`, async () => {
        const { session, target } = await caseFor(route, role);
        const response = await world.api.call(route.method, fillPath(route, target), { session, body: minimalBody(route) });
        if (allowed) {
          // Validation comes after authorization: `{}` may be refused as a bad body, never as a bad role
          // (a 403 for another reason, such as withdrawing someone else's request, is not about the role).
          expect([200, 201, 202, 204, 400, 403, 404, 409, 410], describeResponse(response)).toContain(response.status);
          if (response.status === 403) expect(errorOf(response)?.code, describeResponse(response)).not.toMatch(/^(insufficient_role|forbidden)$/);
        } else {
          expectStatus(response, 403);
          expect(errorOf(response)?.code).toBe('insufficient_role');
        }
      });
    }
  }
});

describe('without a session', () => {
  for (const route of sessionRoutes) {
    it(`${routeId(route)} answers 401 sign_in_required`, async () => {
      const response = await world.api.call(route.method, fillPath(route, world.a), { body: minimalBody(route) });
      expectStatus(response, 401);
      expect(errorOf(response)?.code).toBe('sign_in_required');
    });
  }
});

/**
 * Routes of the original API that take a project API key or a session (`apiKeyOrSession`): a session
 * acts in the organization its body names, with the route's permission there.
 */
const eitherRoutes = world.routes.filter((route) => route.auth === 'apiKeyOrSession');
const bodyIn = (route: AnyRouteDefinition, target: Target) => ({ ...(sampleBody(route, target) as object), organizationId: target.orgId });

describe('routes taking a project API key or a session', () => {
  it('include the original streaming edit', () => {
    expect(eitherRoutes.map(routeId)).toContain('POST /api/edit-prompt/stream');
  });

  for (const route of eitherRoutes) {
    it(`${routeId(route)} without either answers 401 in the original's error shape`, async () => {
      const response = await world.api.call(route.method, fillPath(route, world.a), { body: bodyIn(route, world.a) });
      expectStatus(response, 401);
      expect(response.body).toMatchObject({ error: expect.any(String), code: 'unauthorized' });
    });

    it(`${routeId(route)} with an unknown API key answers 401 invalid_api_key`, async () => {
      const response = await world.api.call(route.method, fillPath(route, world.a), { body: bodyIn(route, world.a), headers: { 'x-api-key': `fp_proj_${'x'.repeat(32)}` } });
      expectStatus(response, 401);
      expect(errorOf(response)?.code).toBe('invalid_api_key');
    });

    it(`${routeId(route)} accepts a project API key, in X-API-Key or as a Bearer token`, async () => {
      const credentials: Array<Record<string, string>> = [{ 'x-api-key': world.a.apiKeySecret }, { authorization: `Bearer ${world.a.apiKeySecret}` }];
      for (const headers of credentials) {
        const response = await world.api.call(route.method, fillPath(route, world.a), { body: sampleBody(route, world.a), headers });
        expectStatus(response, 200);
      }
    });

    for (const role of roles) {
      const allowed = allows(role, permissionOf(route));
      it(`${routeId(route)} with a session of a ${role} of organization A is ${allowed ? 'allowed' : 'refused with 403 insufficient_role'}`, async () => {
        const response = await world.api.call(route.method, fillPath(route, world.a), { session: world.a.users[role], body: bodyIn(route, world.a) });
        if (allowed) expectStatus(response, 200);
        else {
          expectStatus(response, 403);
          expect(errorOf(response)?.code).toBe('insufficient_role');
        }
      });
    }

    it(`${routeId(route)} with a session but without its CSRF token answers 403 csrf_failed`, async () => {
      const response = await world.api.call(route.method, fillPath(route, world.a), { session: world.a.users.owner, csrfToken: null, body: bodyIn(route, world.a) });
      expectStatus(response, 403);
      expect(errorOf(response)?.code).toBe('csrf_failed');
    });
  }
});

describe('cross-site request forgery', () => {
  // Should a check be missing, the request lands on throwaway targets, not on the fixtures.
  let target: Target;
  let session: SignedInUser;
  beforeAll(async () => {
    target = await world.sandbox();
    session = await world.freshSession(world.a.users.owner.userId);
  });

  for (const route of sessionRoutes.filter(changesState)) {
    it(`${routeId(route)} without the CSRF token answers 403 csrf_failed`, async () => {
      const response = await world.api.call(route.method, fillPath(route, target), { session, csrfToken: null, body: sampleBody(route, target) });
      expectStatus(response, 403);
      expect(errorOf(response)?.code).toBe('csrf_failed');
    });

    it(`${routeId(route)} with a wrong CSRF token answers 403 csrf_failed`, async () => {
      const wrongToken = `${session.csrfToken.slice(0, -2)}${session.csrfToken.endsWith('xx') ? 'yy' : 'xx'}`;
      const response = await world.api.call(route.method, fillPath(route, target), { session, csrfToken: wrongToken, body: sampleBody(route, target) });
      expectStatus(response, 403);
      expect(errorOf(response)?.code).toBe('csrf_failed');
    });
  }

  it("refuses another session's CSRF token", async () => {
    const response = await world.api.patch(`/api/dashboard/orgs/${target.orgId}`, { name: 'Forged' }, { session, csrfToken: world.a.users.owner.csrfToken });
    expectStatus(response, 403);
    expect(errorOf(response)?.code).toBe('csrf_failed');
  });

  for (const route of world.routes.filter((candidate) => candidate.surface === 'dashboard' && changesState(candidate))) {
    it(`${routeId(route)} from a foreign Origin answers 403 origin_not_allowed`, async () => {
      const response = await world.api.call(route.method, fillPath(route, target), { session, body: sampleBody(route, target), headers: { origin: 'http://evil.example' } });
      expectStatus(response, 403);
      expect(errorOf(response)?.code).toBe('origin_not_allowed');
    });
  }

  it('refuses a foreign Referer when the browser sent no Origin', async () => {
    const response = await world.api.patch(`/api/dashboard/orgs/${target.orgId}`, { name: 'Forged' }, { session, headers: { referer: 'https://evil.example/page' } });
    expectStatus(response, 403);
    expect(errorOf(response)?.code).toBe('origin_not_allowed');
  });

  it('accepts a state-changing request from its own origin with the token', async () => {
    const response = await world.api.patch(`/api/dashboard/orgs/${target.orgId}`, { name: 'Same origin' }, { session, headers: { origin: world.api.baseUrl } });
    expectStatus(response, 200);
  });
});
