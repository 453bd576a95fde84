import type { Snapshot } from '../api.js';
import { commentText, generatedMarker } from '../files.js';
import { assignNames, pascalCase, propertyName } from '../identifiers.js';

/** What the generated file says about one prompt key, gathered from all its versions in the snapshot. */
interface PromptEntry {
  key: string;
  name: string;
  description: string | null;
  type: 'text' | 'chat';
  labels: Array<[label: string, version: number]>;
  variables: string[];
}

/** Names the generated file declares itself; prompt constants and types never take them. */
const OWN_VALUES = ['prompts', 'variablesFor'];
const OWN_TYPES = ['PromptDefinition', 'PromptKey', 'PromptVariables', 'PromptVariableValue'];

function entriesOf(snapshot: Snapshot): PromptEntry[] {
  const byKey = new Map<string, Snapshot['prompts']>();
  for (const version of snapshot.prompts) byKey.set(version.key, [...(byKey.get(version.key) ?? []), version]);
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, versions]) => {
      const newestFirst = [...versions].sort((a, b) => b.version - a.version);
      const newest = newestFirst[0]!;
      const labels = newestFirst.flatMap((version) => version.labels.map((label): [string, number] => [label, version.version]));
      // The union over the labelled versions: values that satisfy it compile whichever label is served.
      const variables = [...new Set(newestFirst.flatMap((version) => version.variables))];
      return { key, name: newest.name, description: newest.description, type: newest.type, labels: labels.sort(([a], [b]) => (a < b ? -1 : 1)), variables };
    });
}

const literal = (value: string) => JSON.stringify(value);

function promptBlock(entry: PromptEntry, constant: string, typeBase: string): string {
  const labels = entry.labels.map(([label, version]) => `${propertyName(label)}: ${version}`).join(', ');
  const variablesType =
    entry.variables.length === 0 ? 'Record<string, never>' : `{ ${entry.variables.map((name) => `${propertyName(name)}: PromptVariableValue`).join('; ')} }`;
  const summary = commentText(entry.description ? `${entry.name}: ${entry.description}` : entry.name);
  return [
    `/** ${summary} */`,
    `export const ${constant} = {`,
    `  key: ${literal(entry.key)},`,
    `  name: ${literal(entry.name)},`,
    `  description: ${entry.description === null ? 'null' : literal(entry.description)},`,
    `  type: ${literal(entry.type)},`,
    `  labels: { ${labels} },`,
    `  variables: [${entry.variables.map(literal).join(', ')}],`,
    `} as const satisfies PromptDefinition;`,
    `/** A variable of the prompt ${literal(entry.key)}. */`,
    `export type ${typeBase}Variable = (typeof ${constant}.variables)[number];`,
    `/** The values \`compile\` needs for ${literal(entry.key)}. */`,
    `export type ${typeBase}Variables = ${variablesType};`,
  ].join('\n');
}

/**
 * `forprompt/index.ts` for `pull`: one constant per prompt key (its key, labels and variables) and the
 * variables typed as a string-literal union and as the object `compile` takes. Self-contained: it
 * imports nothing, so it type-checks in any project.
 */
export function renderTypedIndex(snapshot: Snapshot, pulledAt: Date): string {
  const entries = entriesOf(snapshot);
  const keys = entries.map((entry) => entry.key);
  const constants = assignNames(keys, { taken: OWN_VALUES });
  const typeBases = assignNames(keys, { taken: OWN_TYPES, companions: ['Variable', 'Variables'], toName: (key) => pascalCase(constants.get(key)!) });
  const header = [
    '/**',
    ` * ForPrompt prompts of project ${snapshot.projectId}: keys, labels and template variables, typed so`,
    ' * that editors complete them and a misspelt variable fails type-checking. The prompts themselves are',
    ' * in snapshot.json beside this file (the SDK\'s `snapshot` option serves them offline).',
    ' *',
    ` * ${generatedMarker('pull')} at ${pulledAt.toISOString()}. Do not edit: run \`forprompt pull\` again.`,
    ' */',
    '',
    '/** A value for a template variable: strings are inserted as they are, other values as JSON. */',
    'export type PromptVariableValue = string | number | boolean | Record<string, unknown> | unknown[];',
    '',
    'export interface PromptDefinition {',
    '  /** The key ForPrompt knows the prompt by: pass it to `getPrompt`. */',
    '  readonly key: string;',
    '  readonly name: string;',
    '  readonly description: string | null;',
    "  readonly type: 'text' | 'chat';",
    '  /** Label → version number, as they were when pulled. */',
    '  readonly labels: { readonly [label: string]: number };',
    '  /** Every variable the labelled versions use, the newest version\'s first. */',
    '  readonly variables: readonly string[];',
    '}',
  ].join('\n');
  const blocks = entries.map((entry) => promptBlock(entry, constants.get(entry.key)!, typeBases.get(entry.key)!));
  const map = entries.map((entry) => `  ${propertyName(entry.key)}: ${constants.get(entry.key)},`);
  const variables = entries.map((entry) => `  ${propertyName(entry.key)}: ${typeBases.get(entry.key)}Variables;`);
  const footer = [
    '/** Every prompt by its key. */',
    `export const prompts = {${map.length ? `\n${map.join('\n')}\n` : ''}} as const;`,
    'export type PromptKey = keyof typeof prompts;',
    '/** The variables of each prompt, by key. */',
    `export type PromptVariables = {${variables.length ? `\n${variables.join('\n')}\n` : ''}};`,
    '',
    '/**',
    ' * Checks the variables for a prompt at compile time and returns them unchanged, e.g.',
    ` * \`prompt.compile(variablesFor(${literal(keys[0] ?? 'my-prompt')}, { … }))\`.`,
    ' */',
    'export function variablesFor<Key extends PromptKey>(_key: Key, values: PromptVariables[Key]): PromptVariables[Key] {',
    '  return values;',
    '}',
  ].join('\n');
  return `${[header, ...blocks, footer].join('\n\n')}\n`;
}
