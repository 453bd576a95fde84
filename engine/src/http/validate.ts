import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';

type Part = 'params' | 'query' | 'body';

/**
 * Zod issues as field issues under `prefix` (a request part, or a path within one such as `batch.3`):
 * `body.name: expected a string`, `body.extra: unknown field`.
 */
export function toFieldIssues(prefix: string, error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const base = [prefix, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: `${base}.${key}`, message: 'unknown field' }));
    }
    return [{ path: base, message: issue.message }];
  });
}

export function parsePart<S extends z.ZodType>(part: Part, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toFieldIssues(part, result.error);
  const fields = [...new Set(issues.map((issue) => issue.path))].join(', ');
  throw new ValidationError(`Invalid request: ${fields}`, issues);
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/**
 * Where a schema accepts objects that would silently drop unknown fields (a plain `z.object`), at any
 * depth. Bodies of the v1 and dashboard APIs must refuse unknown fields, so their schemas are built
 * from `z.strictObject`; the router checks this when it mounts a route.
 */
export function findLooseObjects(schema: z.ZodType, at = 'body'): string[] {
  const def = defOf(schema);
  const below = (child: z.ZodType | undefined | null, path = at) => (child ? findLooseObjects(child, path) : []);
  switch (def.type) {
    case 'object': {
      const loose = def.catchall && defOf(def.catchall).type === 'never' ? [] : [at];
      return [...loose, ...Object.entries(def.shape ?? {}).flatMap(([key, child]) => below(child, `${at}.${key}`))];
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return below(def.innerType);
    case 'array':
      return below(def.element, `${at}[]`);
    case 'union':
      return (def.options ?? []).flatMap((option) => below(option));
    case 'intersection':
      return [...below(def.left), ...below(def.right)];
    case 'pipe':
      return below(def.in);
    case 'record':
      return below(def.valueType, `${at}.*`);
    case 'tuple':
      return [...(def.items ?? []).flatMap((item, index) => below(item, `${at}[${index}]`)), ...below(def.rest, `${at}[]`)];
    default:
      return [];
  }
}
