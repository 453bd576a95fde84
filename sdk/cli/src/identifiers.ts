/**
 * TypeScript names for prompt keys. A key that is already a usable identifier keeps its spelling
 * (the original CLI exported `userContextPrompt` for the key `userContextPrompt`); any other key is
 * camel-cased (`support-reply.v2` → `supportReplyV2`). Generated code keeps the original key in a field.
 */
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private ' +
    'protected public static yield await any boolean number string symbol object never unknown undefined type of arguments eval'
  ).split(' '),
);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function camelCase(key: string): string {
  const words = key.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (words.length === 0) return 'prompt';
  const [first, ...rest] = words as [string, ...string[]];
  const head = first === first.toUpperCase() ? first.toLowerCase() : first.charAt(0).toLowerCase() + first.slice(1);
  let name = head + rest.map(capitalize).join('');
  if (/^[0-9]/.test(name)) name = `prompt${capitalize(name)}`;
  return isIdentifier(name) ? name : `${name}Prompt`;
}

export function pascalCase(identifier: string): string {
  return capitalize(identifier.replace(/^[_$]+/, '')) || 'Prompt';
}

/**
 * One distinct name per key, in the keys' order. `taken` holds names the generated file already uses;
 * `companions` are suffixes that must be free too (deploy exports `x` and `xInfo`). Two keys that come
 * out alike get `_2`, `_3`… in key order. `toName` turns a key into its preferred name.
 */
export function assignNames(
  keys: readonly string[],
  options: { taken?: Iterable<string>; companions?: readonly string[]; toName?: (key: string) => string } = {},
): Map<string, string> {
  const used = new Set(options.taken);
  const companions = ['', ...(options.companions ?? [])];
  const toName = options.toName ?? ((key: string) => (isIdentifier(key) ? key : camelCase(key)));
  const names = new Map<string, string>();
  for (const key of keys) {
    const base = toName(key);
    let name = base;
    for (let suffix = 2; companions.some((companion) => used.has(name + companion)); suffix++) name = `${base}_${suffix}`;
    for (const companion of companions) used.add(name + companion);
    names.set(key, name);
  }
  return names;
}

/** A property name as written in an object type or literal: bare when it can be, else quoted. */
export function propertyName(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}
