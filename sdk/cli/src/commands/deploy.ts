import fs from 'node:fs/promises';
import path from 'node:path';
import { getDeployView } from '../api.js';
import { connectionFlags, connectionHelp, connectionOptions, flagValue, noPositionals, stringValue, type Command } from '../command.js';
import { requireConnection } from '../config.js';
import { assertMayReplace, writeFileAtomic } from '../files.js';
import { isUnsafeDirectoryName, renderDeployFiles } from '../generate/deploy-files.js';
import { ApiClient } from '../http.js';
import { note, plural, say } from '../output.js';

/** Directories this command wrote before (they hold metadata.json) for prompts the project no longer has. */
async function removeStalePrompts(out: string, keys: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  const entries = await fs.readdir(out, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || keys.has(entry.name)) continue;
    const directory = path.join(out, entry.name);
    const ours = await fs.access(path.join(directory, 'metadata.json')).then(() => true, () => false);
    if (!ours) continue;
    await fs.rm(directory, { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}

export const deployCommand: Command = {
  name: 'deploy',
  summary: "Write the original CLI's forprompt/<key>/ files (deployed text, versions, metadata)",
  help: `Usage: forprompt deploy [--out <dir>] [--clean] [--force]

Fetches every prompt with all its versions (GET /api/cli/deploy) and writes, as the original CLI did:
  <out>/<key>/prompt.ts        the deployed (production) text as a string constant, and <name>Info
  <out>/<key>/metadata.json    active version, version count, metadata fields, tools
  <out>/<key>/versions/vN.md   every version
  <out>/index.ts               all deployed prompts, \`prompts\` and \`getPrompt(key)\`
  <out>/.forpromptrc           project id, name, slug and URL (never the API key)
Keys that are not identifiers are camel-cased: "support-reply" exports supportReply.

Options:
  --out <dir>         output directory (default: forprompt)
  --clean             remove <out>/<key>/ directories of prompts the project no longer has
  --force             replace <out>/index.ts even if "forprompt pull" or a person wrote it
${connectionHelp}`,
  options: { ...connectionOptions, out: { type: 'string' }, clean: { type: 'boolean' }, force: { type: 'boolean' } },
  async run(args) {
    noPositionals(this, args);
    const connection = requireConnection(connectionFlags(args), process.cwd());
    const api = new ApiClient(connection);
    const out = path.resolve(stringValue(args, 'out') ?? 'forprompt');
    await assertMayReplace(path.join(out, 'index.ts'), 'deploy', flagValue(args, 'force'));

    const view = await getDeployView(api);
    say(`Project: ${view.project.name} (${view.project.slug})`);
    say(`Output:  ${path.relative(process.cwd(), out) || out}`);
    for (const prompt of view.prompts.filter((entry) => isUnsafeDirectoryName(entry.key))) note(`Skipped the prompt "${prompt.key}": its key cannot be a directory name.`);
    if (flagValue(args, 'clean')) {
      const removed = await removeStalePrompts(out, new Set(view.prompts.map((prompt) => prompt.key)));
      if (removed.length > 0) say(`Removed: ${removed.join(', ')}`);
    }
    if (view.prompts.length === 0) {
      say('No prompts in this project yet: create one in the dashboard, or with "forprompt push".');
    }
    const { files, names } = renderDeployFiles(view);
    for (const file of files) await writeFileAtomic(path.join(out, file.path), file.content);
    const config = { projectId: view.project.id, projectName: view.project.name, projectSlug: view.project.slug, baseUrl: connection.baseUrl, lastDeployedAt: view.deployedAt };
    await writeFileAtomic(path.join(out, '.forpromptrc'), `${JSON.stringify(config, null, 2)}\n`);

    say(`Wrote ${plural(files.length, 'file')} for ${plural(view.prompts.length, 'prompt')}:`);
    for (const prompt of view.prompts.filter((entry) => names.has(entry.key))) {
      const state = prompt.activeVersion ? `v${prompt.activeVersion.versionNumber} deployed, exported as ${names.get(prompt.key)}` : 'no deployed version';
      say(`  ${prompt.key} (${state}; ${plural(prompt.versions.length, 'version')})`);
    }
    const example = view.prompts.find((prompt) => prompt.activeVersion);
    if (example) {
      say('');
      const specifier = `./${path.relative(process.cwd(), path.join(out, 'index.js')).split(path.sep).join('/')}`;
      say(`Use: import { getPrompt } from '${specifier}'; getPrompt(${JSON.stringify(example.key)})`);
    }
  },
};
