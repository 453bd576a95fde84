import { describe, expect, it } from 'vitest';
import { systemRoutes } from '../system/routes.js';
import { buildOpenApiDocument } from './openapi.js';
import { toOpenApiPath, type AnyRouteDefinition } from './registry.js';
import { featureRoutes } from './routes.js';

interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  format?: string;
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  anyOf?: SchemaObject[];
  additionalProperties?: SchemaObject | boolean;
}
interface ResponseObject {
  content?: Record<string, { schema?: SchemaObject }>;
}
interface Document {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
  components: { schemas: Record<string, SchemaObject> };
}

const routes: AnyRouteDefinition[] = [];
routes.push(...systemRoutes(() => routes), ...featureRoutes());
const document = buildOpenApiDocument(routes, '1.2.3') as unknown as Document;
const publicRoutes = routes.filter((route) => route.surface !== 'dashboard');
const id = (route: AnyRouteDefinition) => `${route.method.toUpperCase()} ${route.path}`;
const responsesOf = (route: AnyRouteDefinition) => document.paths[toOpenApiPath(route.path)]![route.method]!.responses;
const schemaOf = (response: ResponseObject | undefined) => response?.content?.['application/json']?.schema;

/** The properties named `…At` anywhere in a schema (following references), with where they are. */
function timestamps(schema: SchemaObject | undefined, at: string, seen = new Set<string>()): Array<{ at: string; schema: SchemaObject }> {
  if (!schema) return [];
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    if (seen.has(name)) return [];
    return timestamps(document.components.schemas[name], at, new Set([...seen, name]));
  }
  const properties = Object.entries(schema.properties ?? {}).flatMap(([name, property]) => [
    ...(/At$/.test(name) ? [{ at: `${at}.${name}`, schema: property }] : []),
    ...timestamps(property, `${at}.${name}`, seen),
  ]);
  const additional = typeof schema.additionalProperties === 'object' ? timestamps(schema.additionalProperties, `${at}.*`, seen) : [];
  return [...properties, ...additional, ...timestamps(schema.items, `${at}[]`, seen), ...(schema.anyOf ?? []).flatMap((option) => timestamps(option, at, seen))];
}

describe('the response schemas of the public API (v1, original and system routes)', () => {
  it('covers the public routes, and finds the times in their bodies', () => {
    expect(publicRoutes.map(id)).toEqual(expect.arrayContaining(['GET /api/v1/prompts/:key', 'GET /api/prompts', 'GET /healthz']));
    const timesOf = (path: string) => timestamps(schemaOf(document.paths[path]!.get!.responses[200]), 'body').map((found) => found.at);
    expect(timesOf('/api/v1/prompts')).toEqual(['body.prompts[].updatedAt']);
    expect(timesOf('/api/cli/deploy')).toEqual(expect.arrayContaining(['body.deployedAt', 'body.prompts[].versions[].updatedAt']));
  });

  for (const route of publicRoutes) {
    it(`${id(route)} documents a JSON body for each success status it answers`, () => {
      const successes = Object.keys(route.responses).map(Number).filter((status) => status >= 200 && status < 300);
      expect(successes.length, 'no success status').toBeGreaterThan(0);
      for (const status of successes.filter((status) => status !== 204)) {
        expect(schemaOf(responsesOf(route)[status]), `${id(route)} ${status}`).toBeDefined();
      }
      // 304 is the only bodiless answer a public route gives.
      for (const [status, response] of Object.entries(responsesOf(route))) {
        if (status !== '304' && status !== '204') expect(schemaOf(response), `${id(route)} ${status}`).toBeDefined();
      }
    });

    it(`${id(route)} lists each error status with its surface's error shape, and no catch-all`, () => {
      const responses = responsesOf(route);
      expect(responses.default).toBeUndefined();
      const expected = route.surface === 'compat' ? ['#/components/schemas/CompatError', '#/components/schemas/CompatRateLimited'] : ['#/components/schemas/Error'];
      for (const [status, response] of Object.entries(responses).filter(([status]) => Number(status) >= 400)) {
        expect(expected, `${id(route)} ${status}`).toContain(schemaOf(response)?.$ref);
      }
      if (route.auth === 'apiKey') expect(Object.keys(responses)).toContain('401');
      if (route.auth === 'apiKeyOrSession') expect(Object.keys(responses)).toEqual(expect.arrayContaining(['401', '403']));
      if (route.request?.params || route.request?.query || route.request?.body) expect(Object.keys(responses)).toContain('400');
      if (route.rateLimit) expect(schemaOf(responses[429])?.$ref).toBe(route.surface === 'compat' ? '#/components/schemas/CompatRateLimited' : '#/components/schemas/Error');
    });

    it(`${id(route)} documents its times as JSON sends them`, () => {
      for (const [status, response] of Object.entries(responsesOf(route))) {
        for (const found of timestamps(schemaOf(response), `${status} body`)) {
          const types = [found.schema.type ?? found.schema.anyOf?.map((option) => option.type)].flat();
          // The original API sends milliseconds since the epoch; the others ISO 8601 strings.
          if (route.surface === 'compat') expect(types, found.at).toContain('integer');
          else expect({ types, format: found.schema.format ?? found.schema.anyOf?.find((option) => option.format)?.format }, found.at).toEqual({ types: expect.arrayContaining(['string']), format: 'date-time' });
        }
      }
    });
  }
});
