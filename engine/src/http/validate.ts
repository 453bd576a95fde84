import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors.js';

type Part = 'params' | 'query' | 'body';

/** Zod issues as field issues: `body.name: expected a string`, `body.extra: unknown field`. */
export function toFieldIssues(part: Part, error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const base = [part, ...issue.path.map(String)].join('.');
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

/** Bodies of the v1 and dashboard APIs refuse unknown fields; the compatibility API ignores them. */
export function strictBody(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodObject ? schema.strict() : schema;
}
