import type { DeployedPrompt, DeployView } from '../api.js';
import { metadataFields } from '../api.js';
import { commentText, generatedMarker } from '../files.js';
import { assignNames, propertyName } from '../identifiers.js';

/**
 * The original CLI's `deploy` layout (packages/sdk/src/cli/utils/generator.ts of forprompt-oss):
 *
 *   forprompt/.forpromptrc            project id, name, slug, base URL, last deploy (never the key)
 *   forprompt/index.ts                every deployed prompt, a `prompts` map and `getPrompt(key)`
 *   forprompt/<key>/prompt.ts         `export const <name> = "<deployed text>"`, `<name>Info`, default export
 *   forprompt/<key>/metadata.json     versions count, active version, the metadata fields, tools
 *   forprompt/<key>/versions/vN.md    every version's text under a small header
 *
 * Kept as it was, with its defects fixed: keys that are not identifiers get camel-cased names (the
 * original wrote invalid TypeScript for `support-reply`), and index.ts imports each prompt file
 * instead of importing itself.
 */
export interface DeployFile {
  /** Relative to the output directory. */
  path: string;
  content: string;
}

const OWN_NAMES = ['prompts', 'getPrompt', 'PromptKey'];

function deployNames(prompts: readonly DeployedPrompt[]): Map<string, string> {
  return assignNames(
    prompts.map((prompt) => prompt.key),
    { taken: OWN_NAMES, companions: ['Info'] },
  );
}

function promptFile(prompt: DeployedPrompt, name: string): string | null {
  const active = prompt.activeVersion;
  if (!active) return null;
  return [
    '/**',
    ` * ${commentText(prompt.name)}`,
    ` * ${commentText(prompt.description ?? '')}`,
    ' *',
    ` * Version: ${active.versionNumber}`,
    ` * Last updated: ${new Date(active.updatedAt).toISOString()}`,
    ' *',
    ` * ${generatedMarker('deploy')} - do not edit manually`,
    ' */',
    '',
    `export const ${name} = ${JSON.stringify(active.systemPrompt)};`,
    '',
    `export const ${name}Info = {`,
    `  key: ${JSON.stringify(prompt.key)},`,
    `  name: ${JSON.stringify(prompt.name)},`,
    `  version: ${active.versionNumber},`,
    `  updatedAt: ${active.updatedAt},`,
    '} as const;',
    '',
    `export default ${name};`,
    '',
  ].join('\n');
}

function metadataFile(prompt: DeployedPrompt, deployedAt: number): string {
  const metadata = {
    key: prompt.key,
    name: prompt.name,
    description: prompt.description,
    activeVersion: prompt.activeVersion?.versionNumber ?? null,
    totalVersions: prompt.versions.length,
    ...Object.fromEntries(metadataFields.map((field) => [field, prompt[field]])),
    tools: prompt.tools,
    updatedAt: prompt.activeVersion?.updatedAt,
    lastDeployedAt: deployedAt,
  };
  return `${JSON.stringify(metadata, null, 2)}\n`;
}

function versionFile(version: DeployedPrompt['versions'][number]): string {
  const header = [`# Version ${version.versionNumber}`, `# Created: ${new Date(version.updatedAt).toISOString()}`];
  if (version.description) header.push(`# ${commentText(version.description)}`);
  return `${header.join('\n')}\n\n${version.systemPrompt}`;
}

function indexFile(deployed: ReadonlyArray<{ prompt: DeployedPrompt; name: string }>, deployedAt: number): string {
  const imports = deployed.map(({ prompt, name }) => `import { ${name}, ${name}Info } from ${JSON.stringify(`./${prompt.key}/prompt.js`)};`);
  const exported = deployed.flatMap(({ name }) => [name, `${name}Info`]);
  const map = deployed.map(({ prompt, name }) => `  ${propertyName(prompt.key)}: ${name},`);
  return [
    '/**',
    ' * ForPrompt - deployed prompt exports',
    ' *',
    ` * ${generatedMarker('deploy')} at ${new Date(deployedAt).toISOString()} - do not edit manually`,
    ' */',
    '',
    ...imports,
    ...(exported.length ? [`export { ${exported.join(', ')} };`] : []),
    '',
    '/** All deployed prompts by key, for dynamic access. */',
    `export const prompts = {${map.length ? `\n${map.join('\n')}\n` : ''}} as const;`,
    '',
    'export type PromptKey = keyof typeof prompts;',
    '',
    '/** A deployed prompt\'s text by its key. */',
    'export function getPrompt(key: PromptKey): string {',
    '  return prompts[key];',
    '}',
    '',
  ].join('\n');
}

/** Keys that would leave the output directory as a path (`.` and `..` are valid prompt keys). */
export const isUnsafeDirectoryName = (key: string) => key === '.' || key === '..';

/** The files to write, and the name each prompt is exported as. */
export function renderDeployFiles(view: DeployView): { files: DeployFile[]; names: Map<string, string> } {
  const prompts = view.prompts.filter((prompt) => !isUnsafeDirectoryName(prompt.key));
  const names = deployNames(prompts);
  const files: DeployFile[] = [];
  for (const prompt of prompts) {
    const code = promptFile(prompt, names.get(prompt.key)!);
    if (code) files.push({ path: `${prompt.key}/prompt.ts`, content: code });
    files.push({ path: `${prompt.key}/metadata.json`, content: metadataFile(prompt, view.deployedAt) });
    for (const version of prompt.versions) files.push({ path: `${prompt.key}/versions/v${version.versionNumber}.md`, content: versionFile(version) });
  }
  const deployed = prompts.filter((prompt) => prompt.activeVersion).map((prompt) => ({ prompt, name: names.get(prompt.key)! }));
  files.push({ path: 'index.ts', content: indexFile(deployed, view.deployedAt) });
  return { files, names };
}
