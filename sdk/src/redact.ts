/**
 * PII redaction for traced content, applied before events leave the process (the original SDK's
 * unfinished pii.ts, finished): e-mail addresses, phone numbers, US social security numbers, payment
 * card numbers (Luhn-checked, so order numbers survive), IPv4 and IPv6 addresses, and your own patterns.
 */
export type BuiltInPattern = 'email' | 'credit_card' | 'ssn' | 'phone' | 'ip_address';

export interface RedactionPattern {
  name: string;
  /** Made global if it is not. */
  pattern: RegExp;
  /** Default `[<NAME>_REDACTED]`. */
  replacement?: string;
}

export interface RedactionOptions {
  /** Which built-in patterns apply (default: all). */
  patterns?: BuiltInPattern[];
  /** Your own, applied after the built-in ones. */
  custom?: Array<RedactionPattern | RegExp>;
}

interface CompiledPattern {
  name: string;
  pattern: RegExp;
  replace: (match: string) => string;
}

function luhnValid(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const HEX = '[0-9A-Fa-f]{1,4}';

/** In order: cards before phones and SSNs, which would otherwise take pieces of a card number. */
const BUILT_IN: Array<{ name: BuiltInPattern; pattern: RegExp; replacement: string; keep?: (match: string) => boolean }> = [
  { name: 'email', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, replacement: '[EMAIL_REDACTED]' },
  { name: 'credit_card', pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g, replacement: '[CC_REDACTED]', keep: (match) => !luhnValid(match) },
  { name: 'ssn', pattern: /(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])/g, replacement: '[SSN_REDACTED]' },
  {
    name: 'phone',
    pattern: /(?<![\w+])(?:\+[1-9]\d{7,14}(?!\d)|(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]?\d{3,4}(?![\w]))/g,
    replacement: '[PHONE_REDACTED]',
  },
  { name: 'ip_address', pattern: new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?!\\w|\\.\\d)`, 'g'), replacement: '[IP_REDACTED]' },
  {
    name: 'ip_address',
    pattern: new RegExp(`(?<![\\w:])(?:(?:${HEX}:){7}${HEX}|(?:${HEX}:){1,6}:(?:${HEX}(?::${HEX}){0,5})?)(?![\\w:])`, 'g'),
    replacement: '[IP_REDACTED]',
  },
];

function compile(options: RedactionOptions): CompiledPattern[] {
  const chosen = options.patterns ? BUILT_IN.filter((entry) => options.patterns!.includes(entry.name)) : BUILT_IN;
  const builtIn = chosen.map(({ name, pattern, replacement, keep }) => ({ name, pattern, replace: keep ? (match: string) => (keep(match) ? match : replacement) : () => replacement }));
  const custom = (options.custom ?? []).map((entry, index) => {
    const { name, pattern, replacement } = entry instanceof RegExp ? { name: `custom_${index + 1}`, pattern: entry, replacement: undefined } : entry;
    const global = pattern.flags.includes('g') ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
    const text = replacement ?? `[${name.toUpperCase()}_REDACTED]`;
    return { name, pattern: global, replace: () => text };
  });
  return [...builtIn, ...custom];
}

/** Redacts one text with the given patterns. */
export function redactText(text: string, options: RedactionOptions = {}): string {
  return applyPatterns(text, compile(options));
}

function applyPatterns(text: string, patterns: CompiledPattern[]): string {
  let result = text;
  for (const { pattern, replace } of patterns) {
    pattern.lastIndex = 0;
    result = result.replace(pattern, replace);
  }
  return result;
}

/** Replaces every string inside a JSON-like value (objects and arrays are copied, never changed in place). */
function redactDeep(value: unknown, patterns: CompiledPattern[], depth: number): unknown {
  if (typeof value === 'string') return applyPatterns(value, patterns);
  if (typeof value !== 'object' || value === null || depth > 32) return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, patterns, depth + 1));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return redactDeep((value as { toJSON(): unknown }).toJSON(), patterns, depth + 1);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactDeep(item, patterns, depth + 1);
  return copy;
}

export type Redactor = (value: unknown) => unknown;

/** The `redact` client option as a function over values, or null when redaction is off. */
export function createRedactor(option: boolean | RedactionOptions | undefined): Redactor | null {
  if (!option) return null;
  const patterns = compile(option === true ? {} : option);
  return (value) => redactDeep(value, patterns, 0);
}
