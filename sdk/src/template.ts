import { ForPromptError } from './errors.js';

/**
 * Prompt templates: text with `{{variable}}` placeholders. One compiler, shared by the engine (which
 * validates templates and lists their variables) and the SDK (which fills them in).
 *
 * Syntax:
 * - `{{name}}` (spaces inside the braces are fine: `{{ name }}`) is replaced by the variable `name`.
 *   Names start with a letter or `_` and continue with letters, digits, `_`, `-` or `.`.
 * - `\{{` is a literal `{{` (the backslash escapes the opening braces; it is not printed).
 * - A lone `}}` is plain text, and so are extra braces around a placeholder (`{{{x}}}` → `{` + x + `}`).
 *   An opening `{{` without its `}}`, or with something other than a
 *   name inside, is a syntax error that says where.
 */
export type TemplatePart = { type: 'text'; value: string } | { type: 'variable'; name: string; start: number };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** Each variable once, in the order of first use. */
  variables: string[];
}

export type TemplateValue = string | number | boolean | null | undefined | Record<string, unknown> | unknown[];

export class TemplateSyntaxError extends ForPromptError {
  constructor(
    message: string,
    readonly position: { index: number; line: number; column: number },
  ) {
    super(`${message} at line ${position.line}, column ${position.column}`, undefined, 'TEMPLATE_SYNTAX');
  }
}

export class MissingVariablesError extends ForPromptError {
  constructor(readonly missing: string[]) {
    super(`Missing template variables: ${missing.join(', ')}`, undefined, 'MISSING_VARIABLES');
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function positionOf(source: string, index: number) {
  const before = source.slice(0, index);
  const line = before.split('\n').length;
  return { index, line, column: index - before.lastIndexOf('\n') };
}

export function parseTemplate(source: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const variables: string[] = [];
  let text = '';
  let index = 0;
  while (index < source.length) {
    const open = source.indexOf('{{', index);
    if (open === -1) {
      text += source.slice(index);
      break;
    }
    if (open > 0 && source[open - 1] === '\\') {
      text += `${source.slice(index, open - 1)}{{`;
      index = open + 2;
      continue;
    }
    // In "{{{x}}}" the placeholder is the innermost pair; the extra braces are text.
    let start = open;
    while (source[start + 2] === '{') start++;
    text += source.slice(index, start);
    const close = source.indexOf('}}', start + 2);
    if (close === -1) throw new TemplateSyntaxError('Unclosed "{{"', positionOf(source, start));
    const name = source.slice(start + 2, close).trim();
    if (!NAME.test(name)) {
      throw new TemplateSyntaxError(name === '' ? 'Empty placeholder "{{}}"' : `"${name}" is not a variable name`, positionOf(source, start));
    }
    if (text) parts.push({ type: 'text', value: text });
    text = '';
    parts.push({ type: 'variable', name, start });
    if (!variables.includes(name)) variables.push(name);
    index = close + 2;
  }
  if (text) parts.push({ type: 'text', value: text });
  return { parts, variables };
}

function render(value: TemplateValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/**
 * Fills the placeholders. Every variable must be given (else MissingVariablesError naming all that
 * are missing), unless `lenient`, which leaves the missing placeholders as they were written.
 */
export function compileTemplate(
  template: string | ParsedTemplate,
  values: Record<string, TemplateValue> = {},
  options: { lenient?: boolean } = {},
): string {
  const parsed = typeof template === 'string' ? parseTemplate(template) : template;
  const missing = parsed.variables.filter((name) => values[name] === undefined || values[name] === null);
  if (missing.length > 0 && !options.lenient) throw new MissingVariablesError(missing);
  return parsed.parts
    .map((part) => {
      if (part.type === 'text') return part.value;
      const value = values[part.name];
      return value === undefined || value === null ? `{{${part.name}}}` : render(value);
    })
    .join('');
}
