import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AnyRouteDefinition } from '../../src/http/registry.js';
import { fillPath, routeId, startWorld } from './fixtures.js';
import { describeResponse, errorOf, issuePaths } from './http-client.js';

// The registry as served: a public GET route added later is covered without editing this file.
const world = await startWorld();
afterAll(() => world.close());

const getRoutes = world.routes.filter((route) => route.surface === 'v1' && route.method === 'get');

/** The fields a route's query schema names (an object, perhaps refined, defaulted or piped). */
function queryFields(route: AnyRouteDefinition): string[] {
  let schema = route.request?.query as z.ZodType | undefined;
  while (schema && !(schema instanceof z.ZodObject)) {
    const def = (schema as unknown as { _zod: { def: { in?: z.ZodType; innerType?: z.ZodType } } })._zod.def;
    schema = def.in ?? def.innerType;
  }
  return schema ? Object.keys(schema.shape) : [];
}

/** One `name=value` of a query string. `raw` values go out as they are (malformed escapes); `bare` sends the name alone. */
interface Param {
  name: string;
  value: string;
  form: 'encoded' | 'raw' | 'bare';
}

/** Percent-encodes UTF-8 bytes (a lone surrogate becomes U+FFFD, as any client would send it). */
const encode = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
const queryString = (params: Param[]) => params.map(({ name, value, form }) => (form === 'bare' ? encode(name) : `${encode(name)}=${form === 'raw' ? value : encode(value)}`)).join('&');

const adversarialNames = ['__proto__', 'constructor', 'hasOwnProperty', '', 'x', 'limit[]', 'label[0]'];
// What numbers, parsers and databases trip over; kept short enough for a URL (Node refuses headers over 16 KB).
const numbers = ['0', '-1', '1', '1.5', '2147483647', '2147483648', '9007199254740993', '1e308', '-1e308', '1e3', '0x10', ' 7 ', 'NaN', 'Infinity', '-Infinity', '-0', '9'.repeat(400)];
const words = ['', ' ', 'production', 'latest', 'beta', 'a'.repeat(64), 'a'.repeat(65), 'UPPER', '-lead', 'prompt-a', '\u0000', '😀', 'é', '\u202e', "' or 1=1 --", '../..', 'x'.repeat(3000)];
const malformedEscapes = ['%', '%zz', '%E0%A4%A', '%%%', '%00', '%C0%AF', '%ED%A0%80', '+', '%2B', '%26label%3Dx'];

const valueArbitrary = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(...numbers, ...words),
);

function paramsFor(route: AnyRouteDefinition): fc.Arbitrary<Param[]> {
  const names = fc.constantFrom(...queryFields(route), ...adversarialNames);
  const param = fc.oneof(
    { weight: 6, arbitrary: fc.record({ name: names, value: valueArbitrary, form: fc.constant<Param['form']>('encoded') }) },
    { weight: 1, arbitrary: fc.record({ name: names, value: fc.constantFrom(...malformedEscapes), form: fc.constant<Param['form']>('raw') }) },
    { weight: 1, arbitrary: fc.record({ name: names, value: fc.constant(''), form: fc.constant<Param['form']>('bare') }) },
  );
  return fc.array(param, { maxLength: 4 });
}

/** The cases the issue names, run on every seed: repeated, huge, negative, NaN, empty, `__proto__`, long. */
function namedCases(route: AnyRouteDefinition): Param[][] {
  const cases: Param[][] = [[], [{ name: '__proto__', value: 'x', form: 'encoded' }], [{ name: '__proto__[polluted]', value: '1', form: 'encoded' }]];
  for (const name of queryFields(route)) {
    cases.push(
      [{ name, value: 'a', form: 'encoded' }, { name, value: 'b', form: 'encoded' }],
      ...['', '9'.repeat(400), '-1', 'NaN', '2147483648', 'x'.repeat(3000), '😀', '\u0000'].map((value): Param[] => [{ name, value, form: 'encoded' }]),
      [{ name, value: '', form: 'bare' }],
      [{ name, value: '%zz', form: 'raw' }],
    );
  }
  return cases;
}

const NOT_FOUND_CODES = ['label_not_found', 'version_not_found'];

describe('arbitrary query strings on every public API GET route', () => {
  it('covers the public GET routes', () => {
    expect(getRoutes.map(routeId)).toEqual(expect.arrayContaining(['GET /api/v1/prompts', 'GET /api/v1/prompts/:key', 'GET /api/v1/snapshot', 'GET /api/v1/project']));
  });

  for (const route of getRoutes) {
    it(`${routeId(route)}: never a 5xx; a 400 names query fields it was sent; other 4xx only for what does not exist`, async () => {
      const path = fillPath(route, world.a);
      await fc.assert(
        fc.asyncProperty(paramsFor(route), async (params) => {
          const response = await world.api.get(`${path}?${queryString(params)}`, { headers: { 'x-api-key': world.a.apiKeySecret } });
          expect(response.status, describeResponse(response)).toBeLessThan(500);
          if (response.status < 400) return;
          const error = errorOf(response);
          expect(error, describeResponse(response)).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          if (response.status === 400) {
            const sent = params.map((param) => `query.${param.name}`);
            const named = issuePaths(response);
            expect(named.length, `a 400 without field issues: ${describeResponse(response)}`).toBeGreaterThan(0);
            for (const issue of named) expect(sent, describeResponse(response)).toContain(issue);
          } else {
            // A well-formed query for a label or version the prompt does not have.
            expect(response.status, describeResponse(response)).toBe(404);
            expect(NOT_FOUND_CODES, describeResponse(response)).toContain(error!.code);
          }
        }),
        { numRuns: 150, examples: namedCases(route).map((params) => [params]) },
      );
    });
  }
});

/**
 * The original API answers 400 as `{ error: "Invalid request: query.version", code }`. Its fetches are
 * rate limited (200 a minute per key), so it gets the named cases rather than a property's runs.
 */
describe("the original API's GET routes with a query", () => {
  const compatRoutes = world.routes.filter((route) => route.surface === 'compat' && route.method === 'get' && queryFields(route).length > 0);

  it('covers GET /api/prompts', () => {
    expect(compatRoutes.map(routeId)).toContain('GET /api/prompts');
  });

  for (const route of compatRoutes) {
    it(`${routeId(route)}: never a 5xx; a 400 names a query field it was sent`, async () => {
      const valid: Param[] = [{ name: 'key', value: world.a.key, form: 'encoded' }];
      for (const params of namedCases(route)) {
        const sent = [...valid.filter((param) => !params.some((other) => other.name === param.name)), ...params];
        const response = await world.api.get(`${route.path}?${queryString(sent)}`, { headers: { 'x-api-key': world.a.apiKeySecret } });
        expect(response.status, describeResponse(response)).toBeLessThan(500);
        if (response.status === 400) {
          const { error } = response.body as { error: string };
          expect(sent.some((param) => error.includes(`query.${param.name}`)), describeResponse(response)).toBe(true);
        } else if (response.status >= 400) {
          expect(response.status, describeResponse(response)).toBe(404);
        }
      }
    });
  }
});
