import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_BODY_LIMIT_BYTES, type AnyRouteDefinition } from '../../src/http/registry.js';
import { expectStatus, fillPath, routeId, sampleBody, startWorld, type Target } from './fixtures.js';
import { describeResponse, errorOf, issuePaths, type ApiResponse, type CallOptions } from './http-client.js';

// The registry as served: routes added later are covered without editing this file.
const world = await startWorld();
afterAll(() => world.close());

const session = world.a.users.owner;
// Throwaway targets; slugs that never match, so that no generated body can confirm a deletion.
const target: Target = { ...(await world.sandbox()), orgSlug: 'never-this-slug', projectSlug: 'never-this-slug' };
const bodyRoutes = world.routes.filter((route) => (route.surface === 'dashboard' || route.surface === 'v1') && route.request?.body && !route.rawBody);

const fieldsOf = (route: AnyRouteDefinition): string[] => {
  const schema = route.request?.body;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
};

/**
 * Each route gets its own client address: sign-in counts attempts per address, and a route's
 * hundred runs should meet its own limit, not another route's.
 */
const clientAddress = (route: AnyRouteDefinition) => `127.0.9.${bodyRoutes.indexOf(route) + 1}`;
/** A fresh address for tests that must not meet a used-up limit. */
let nextAddress = 0;
const freshAddress = () => `127.0.10.${++nextAddress}`;

/** Dashboard routes with the owner's session; public API routes with a project API key. */
function send(route: AnyRouteDefinition, options: CallOptions): Promise<ApiResponse<unknown>> {
  const auth: CallOptions = route.surface === 'v1' ? { headers: { 'x-api-key': world.a.apiKeySecret, ...options.headers } } : { session };
  return world.api.call(route.method, fillPath(route, target), { ...auth, from: clientAddress(route), ...options, headers: { ...auth.headers, ...options.headers } });
}

/** A 400 names what is wrong: every issue under body., params. or query. */
function expectNamedIssues(response: ApiResponse<unknown>): void {
  const paths = issuePaths(response);
  expect(paths.length, `a 400 without field issues: ${describeResponse(response)}`).toBeGreaterThan(0);
  for (const path of paths) expect(path, describeResponse(response)).toMatch(/^(body|params|query)(\.|\[|$)/);
}

// Strings with what databases and parsers trip over: NUL, lone surrogates, control characters, long runs.
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'binary' }).map((value) => `${value}\u0000`),
  fc.constantFrom('', ' ', '\u0000', '\ud800', 'x'.repeat(5_000), '0', 'null', "'; drop table users; --", '../../etc/passwd'),
  fc.constantFrom('2099-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '1970-01-01'),
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 2, stringUnit: 'binary' }), text, fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.5, 8.64e15, [], {}));

/** Arbitrary JSON; or objects with the route's fields (arbitrary or sample values), sometimes with unknown fields. */
function bodiesFor(route: AnyRouteDefinition): fc.Arbitrary<{ body: unknown; unknownFields: string[] }> {
  const fields = fieldsOf(route);
  const sample = (sampleBody(route, target) ?? {}) as Record<string, unknown>;
  const valueOf = (field: string) => (field in sample ? fc.oneof(anyJson, fc.constant(sample[field])) : anyJson);
  const known = fc.record(Object.fromEntries(fields.map((field) => [field, valueOf(field)])), { requiredKeys: [] });
  const unknown = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !fields.includes(key)),
    anyJson,
    { minKeys: 1, maxKeys: 2 },
  );
  const objects = fc
    .tuple(known, fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: unknown }))
    .map(([knownFields, unknownFields]) => ({ body: { ...knownFields, ...unknownFields } as unknown, unknownFields: Object.keys(unknownFields) }));
  return fc.oneof({ weight: 1, arbitrary: anyJson.map((body) => ({ body, unknownFields: [] })) }, { weight: 4, arbitrary: objects });
}

/**
 * Sign-in answers each failed attempt more slowly (up to 4 s), which a hundred runs cannot afford:
 * its runs come from an address that has used up its attempts, so bodies that pass validation meet
 * the limiter (429) instead. The NUL test below sends sign-in bodies through to the database.
 */
const slowedByFailures = new Set(['POST /api/dashboard/auth/sign-in']);

async function useUpSignInAttempts(from: string): Promise<void> {
  // Failures count against the address: thirty of them, then the address is refused.
  await Promise.all(Array.from({ length: 30 }, (_, index) => world.api.post('/api/dashboard/auth/sign-in', { email: `used-up-${index}@example.test`, password: 'wrong' }, { from })));
  const refused = await world.api.post('/api/dashboard/auth/sign-in', { email: 'used-up-last@example.test', password: 'wrong' }, { from });
  expect(refused.status).toBe(429);
}

describe('arbitrary JSON bodies on every dashboard and public API route with a body', () => {
  for (const route of bodyRoutes) {
    it(`${routeId(route)}: never a 5xx; a 400 names its fields; unknown fields are refused by name`, async () => {
      if (slowedByFailures.has(routeId(route))) await useUpSignInAttempts(clientAddress(route));
      await fc.assert(
        fc.asyncProperty(bodiesFor(route), async ({ body, unknownFields }) => {
          const response = await send(route, { body });
          expect(response.status, describeResponse(response)).toBeLessThan(500);
          if (response.status === 400) expectNamedIssues(response);
          if (unknownFields.length > 0) {
            expectStatus(response, 400);
            for (const field of unknownFields) expect(issuePaths(response)).toContain(`body.${field}`);
          }
        }),
        { numRuns: 100, seed: 20_240_404 },
      );
    });
  }
});

describe('malformed, oversize and mistyped bodies', () => {
  for (const route of bodyRoutes) {
    it(`${routeId(route)}: malformed JSON is 400 invalid_json`, async () => {
      const response = await send(route, { rawBody: '{"name": "unfinished' });
      expectStatus(response, 400);
      expect(errorOf(response)?.code).toBe('invalid_json');
      expectNamedIssues(response);
    });

    it(`${routeId(route)}: a body over the route's limit is 413`, async () => {
      const limit = route.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
      const response = await send(route, { rawBody: JSON.stringify({ padding: 'x'.repeat(limit) }) });
      expectStatus(response, 413);
      expect(errorOf(response)?.code).toBe('payload_too_large');
    });

    it(`${routeId(route)}: a body that is not JSON is 415`, async () => {
      const response = await send(route, { rawBody: 'name=form-encoded', contentType: 'application/x-www-form-urlencoded' });
      expectStatus(response, 415);
    });

    it(`${routeId(route)}: an unknown field next to valid ones is 400 naming it`, async () => {
      const response = await send(route, { body: { ...(sampleBody(route, target) as object), unexpectedField: true } });
      expectStatus(response, 400);
      expect(errorOf(response)?.details?.issues).toContainEqual({ path: 'body.unexpectedField', message: 'unknown field' });
    });

    const sample = sampleBody(route, target) as Record<string, unknown>;
    for (const [field, value] of Object.entries(sample).filter(([, value]) => typeof value === 'string')) {
      it(`${routeId(route)}: a NUL character in body.${field} is refused with a 4xx, not a 5xx`, async () => {
        const response = await send(route, { body: { ...sample, [field]: `${String(value)}\u0000` }, from: freshAddress() });
        expect(response.status, describeResponse(response)).toBeGreaterThanOrEqual(400);
        expect(response.status, describeResponse(response)).toBeLessThan(500);
        if (response.status === 400) expectNamedIssues(response);
      });
    }
  }
});

describe('query strings', () => {
  const auditPath = `/api/dashboard/orgs/${world.a.orgId}/audit`;
  const audit = (query: string) => world.api.get(`${auditPath}?${query}`, { session });

  it('a malformed filter is 400 naming it', async () => {
    for (const query of ['limit=0', 'limit=abc', 'actorUserId=not-a-uuid', 'since=yesterday', 'cursor=%%%', 'limit=1&limit=2']) {
      const response = await audit(query);
      expectStatus(response, 400);
      expectNamedIssues(response);
    }
  });

  it('a forged cursor is 400 naming query.cursor', async () => {
    const cursor = Buffer.from('2024-01-01T00:00:00.000Z|not-a-uuid').toString('base64url');
    const response = await audit(`cursor=${cursor}`);
    expectStatus(response, 400);
    expect(issuePaths(response)).toContain('query.cursor');
  });

  for (const date of ['-271821-04-20T00:00:00.000Z', '+010000-01-01T00:00:00.000Z']) {
    it(`a date the database cannot store (${date}) is 400 naming query.since`, async () => {
      const response = await audit(`since=${encodeURIComponent(date)}`);
      expectStatus(response, 400);
      expect(issuePaths(response)).toContain('query.since');
    });
  }
});

describe('dates in bodies', () => {
  const keysPath = `/api/dashboard/orgs/${world.a.orgId}/projects/${world.a.projectId}/api-keys`;

  for (const expiresAt of ['+010000-01-01T00:00:00.000Z', 8.64e15]) {
    it(`an API key expiry the database cannot store (${JSON.stringify(expiresAt)}) is 400 naming body.expiresAt`, async () => {
      const response = await world.api.post(keysPath, { name: 'Far future', expiresAt }, { session });
      expectStatus(response, 400);
      expect(issuePaths(response)).toContain('body.expiresAt');
    });
  }
});
