import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTemplate, MissingVariablesError, parseTemplate, TemplateSyntaxError } from './template.js';

describe('prompt templates', () => {
  it('fills variables, with or without spaces inside the braces, and lists each once in order', () => {
    const parsed = parseTemplate('Hello {{name}}, you are {{ role }}. Bye {{name}}!');
    expect(parsed.variables).toEqual(['name', 'role']);
    expect(compileTemplate(parsed, { name: 'Ada', role: 'admin' })).toBe('Hello Ada, you are admin. Bye Ada!');
  });

  it('renders numbers, booleans and objects', () => {
    expect(compileTemplate('{{n}} {{ok}} {{data}}', { n: 3, ok: false, data: { a: [1] } })).toBe('3 false {"a":[1]}');
  });

  it('keeps an escaped "\\{{" and a lone "}}" as text', () => {
    const parsed = parseTemplate('Literal \\{{not_a_var}} and JSON {"a": {"b": 1}} and {{x}}');
    expect(parsed.variables).toEqual(['x']);
    expect(compileTemplate(parsed, { x: 'y' })).toBe('Literal {{not_a_var}} and JSON {"a": {"b": 1}} and y');
  });

  it('refuses malformed templates, saying where', () => {
    expect(() => parseTemplate('ok\nbroken {{name')).toThrow(TemplateSyntaxError);
    try {
      parseTemplate('ok\nbroken {{name');
    } catch (error) {
      expect((error as TemplateSyntaxError).position).toEqual({ index: 10, line: 2, column: 8 });
      expect((error as Error).message).toBe('Unclosed "{{" at line 2, column 8');
    }
    expect(() => parseTemplate('{{}}')).toThrow(/Empty placeholder/);
    expect(() => parseTemplate('{{ two words }}')).toThrow(/"two words" is not a variable name/);
  });

  it('names every missing variable, unless asked to be lenient', () => {
    try {
      compileTemplate('{{a}} {{b}} {{c}}', { b: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MissingVariablesError);
      expect((error as MissingVariablesError).missing).toEqual(['a', 'c']);
      expect((error as MissingVariablesError).code).toBe('MISSING_VARIABLES');
    }
    expect(compileTemplate('{{a}} {{b}}', { b: 'x' }, { lenient: true })).toBe('{{a}} x');
  });

  it('returns text without placeholders unchanged, whatever it contains', () => {
    fc.assert(
      fc.property(fc.string().filter((text) => !text.includes('{{')), (text) => {
        expect(compileTemplate(text)).toBe(text);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('round-trips: a filled template contains each value where its placeholder stood', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string().filter((text) => !text.includes('{{') && !text.endsWith('\\')), name), { maxLength: 5 }), fc.string(), (pieces, value) => {
        const source = pieces.map(([text, variable]) => `${text}{{${variable}}}`).join('');
        const values = Object.fromEntries(pieces.map(([, variable]) => [variable, value]));
        expect(compileTemplate(source, values)).toBe(pieces.map(([text]) => `${text}${value}`).join(''));
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
