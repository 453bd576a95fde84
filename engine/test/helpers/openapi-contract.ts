import ajvModule, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

// CommonJS modules: Node hands over `module.exports`, whose `default` is the same function.
const Ajv2020 = ajvModule.default;
const addFormats = formatsModule.default;

type JsonSchema = Record<string, unknown>;

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** A response as a test saw it (or the server sent it). */
export interface ObservedResponse {
  method: string;
  /** Path and query, e.g. `/api/v1/prompts/greeting?label=beta`. */
  url: string;
  status: number;
  contentType: string;
  body: string;
}

interface Template {
  method: string;
  path: string;
  pattern: RegExp;
  parameters: number;
  operation: Operation;
  /** Public routes must document every status they answer (but 5xx) and every field they send. */
  strict: boolean;
}

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Express routes are case-insensitive and ignore a trailing slash; a parameter is one segment. */
function patternOf(path: string): RegExp {
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => (/^\{[^}]+\}$/.test(part) ? '[^/]+' : escapeRegExp(part)))
    .join('');
  return new RegExp(`^${source}/?$`, 'i');
}

const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_VALUES = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames'];

/**
 * The schema with every object that lists its properties closed (`unevaluatedProperties: false`,
 * which also sees through `allOf` and `$ref`): a public response sends no field its document does
 * not name. Branches of an `allOf` stay open at their top, as their siblings add properties.
 */
function closeObjects(schema: unknown, open = false): unknown {
  if (!isObject(schema)) return schema;
  const closed: JsonSchema = { ...schema };
  for (const key of SCHEMA_MAPS) {
    if (isObject(schema[key])) closed[key] = Object.fromEntries(Object.entries(schema[key]).map(([name, child]) => [name, closeObjects(child)]));
  }
  for (const key of SCHEMA_LISTS) if (Array.isArray(schema[key])) closed[key] = schema[key].map((child) => closeObjects(child));
  for (const key of SCHEMA_VALUES) if (key in schema) closed[key] = closeObjects(schema[key]);
  if (Array.isArray(schema.allOf)) closed.allOf = schema.allOf.map((child) => closeObjects(child, true));
  const listsProperties = isObject(schema.properties) || Array.isArray(schema.allOf);
  if (listsProperties && !open && !('additionalProperties' in schema) && !('unevaluatedProperties' in schema)) closed.unevaluatedProperties = false;
  return closed;
}

/** Components that are a direct `allOf` branch somewhere: closing them would refuse their siblings' fields. */
function extendedComponents(document: OpenApiDocument): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isObject(value)) return;
    if (Array.isArray(value.allOf)) {
      for (const branch of value.allOf) if (isObject(branch) && typeof branch.$ref === 'string') names.add(branch.$ref.replace('#/components/schemas/', ''));
    }
    Object.values(value).forEach(visit);
  };
  visit(document);
  return names;
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath || '(body)';
  if (error.keyword === 'unevaluatedProperties') return `${at} has a field the document does not describe: "${String(error.params.unevaluatedProperty)}"`;
  return `${at} ${error.message ?? error.keyword}${error.keyword === 'enum' || error.keyword === 'const' ? ` ${JSON.stringify(error.params)}` : ''}`;
}

/**
 * Checks responses against an OpenAPI 3.1 document: the operation is found from the method and the
 * concrete path, and the body validated with Ajv (JSON Schema 2020-12, with formats) against the
 * schema documented for the status.
 */
export class ResponseContract {
  private readonly templates: Template[];
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly components: { open: Record<string, JsonSchema>; closed: Record<string, JsonSchema> };

  /** `isStrict(method, path)` (an OpenAPI path): whether the operation is held to the public rules. */
  constructor(document: OpenApiDocument, isStrict: (method: string, path: string) => boolean) {
    addFormats(this.ajv);
    const open = document.components?.schemas ?? {};
    const extended = extendedComponents(document);
    this.components = { open, closed: Object.fromEntries(Object.entries(open).map(([name, schema]) => [name, closeObjects(schema, extended.has(name)) as JsonSchema])) };
    this.templates = Object.entries(document.paths)
      .flatMap(([path, operations]) =>
        Object.entries(operations).map(([method, operation]) => ({
          method,
          path,
          pattern: patternOf(path),
          parameters: (path.match(/\{/g) ?? []).length,
          operation,
          strict: isStrict(method, path),
        })),
      )
      // A literal segment wins over a parameter (`/api/prompts/versions` before `/api/prompts/{id}`).
      .sort((a, b) => a.parameters - b.parameters);
  }

  /** The operation serving this request, if the document has one. */
  find(method: string, url: string): Template | undefined {
    const lookup = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    const pathname = url.split('?')[0] ?? '';
    return this.templates.find((template) => template.method === lookup && template.pattern.test(pathname));
  }

  /** Why the response breaks the document, or null when it keeps to it. */
  violation(response: ObservedResponse): string | null {
    const template = this.find(response.method, response.url);
    if (!template) return null;
    const where = `${response.method.toUpperCase()} ${response.url.slice(0, 300)} (${template.method.toUpperCase()} ${template.path}) answered ${response.status}`;
    const responses = template.operation.responses ?? {};
    const documented = responses[String(response.status)] ?? (template.strict ? undefined : responses.default);
    if (!documented) {
      if (!template.strict || response.status >= 500) return null;
      return `${where}, a status its OpenAPI operation does not document (it documents ${Object.keys(responses).join(', ')})`;
    }
    const schema = documented.content?.['application/json']?.schema;
    if (response.method.toLowerCase() === 'head' || response.status === 204 || response.status === 304) return null;
    if (!schema) return template.strict && response.status < 500 && response.body.length > 0 ? `${where} with a body, but the document describes none for that status` : null;
    // A documented binary alternative (protobuf) is not read.
    const mediaType = response.contentType.split(';')[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json' && documented.content?.[mediaType]) return null;
    if (!/^application\/(.+\+)?json\b/i.test(response.contentType)) return `${where} with content type "${response.contentType}"; the document says application/json`;
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return `${where} with a body that is not JSON: ${response.body.slice(0, 200)}`;
    }
    const validate = this.validatorFor(template, response.status, schema);
    if (validate(body)) return null;
    const errors = (validate.errors ?? []).slice(0, 10).map(describeError);
    return `${where} with a body that does not match its OpenAPI response schema:\n  ${errors.join('\n  ')}\n  body: ${response.body.slice(0, 500)}`;
  }

  private validatorFor(template: Template, status: number, schema: JsonSchema): ValidateFunction {
    const id = `${template.method} ${template.path} ${status}`;
    let validate = this.validators.get(id);
    if (!validate) {
      const components = template.strict ? this.components.closed : this.components.open;
      const root = template.strict ? (closeObjects(schema) as JsonSchema) : schema;
      // `#/components/schemas/…` references resolve inside this schema's own root.
      validate = this.ajv.compile({ ...root, $id: `urn:forprompt:response:${this.validators.size}`, components: { schemas: components } });
      this.validators.set(id, validate);
    }
    return validate;
  }
}

/** The public surfaces: everything but the dashboard's API (the router holds each surface to its paths). */
export const isPublicPath = (path: string) => !path.toLowerCase().startsWith('/api/dashboard/');
