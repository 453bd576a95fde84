import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { metadataFields, moveLabels, resolvePrompt, savePrompt, type ResolvedPrompt, type SavePromptBody } from '../api.js';
import { connectionFlags, connectionHelp, connectionOptions, flagValue, noPositionals, stringValue, type Command } from '../command.js';
import { requireConnection } from '../config.js';
import { ApiError, CliError } from '../errors.js';
import { ApiClient } from '../http.js';
import { plural, say } from '../output.js';
import { formatProblem, readPromptFiles, type LocalPrompt } from '../prompt-files.js';

type Remote = { state: 'missing' } | { state: 'empty' } | { state: 'present'; latest: ResolvedPrompt };
type Step = 'create' | 'version' | 'details' | 'label' | 'unchanged';

interface Plan {
  local: LocalPrompt;
  step: Step;
  /** The newest version's number on the engine, when there is one. */
  latestVersion?: number;
}

/** JSON with sorted object keys, so that equal configs compare equal whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1))) : inner,
  );
}

async function fetchRemote(api: ApiClient, key: string): Promise<Remote> {
  try {
    return { state: 'present', latest: await resolvePrompt(api, key, { label: 'latest' }) };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'prompt_not_found') return { state: 'missing' };
    if (error instanceof ApiError && error.code === 'label_not_found') return { state: 'empty' };
    throw error;
  }
}

function sameContent(local: LocalPrompt['body'], remote: ResolvedPrompt): boolean {
  const body = local.template !== undefined ? { template: local.template } : { messages: local.messages };
  const held = remote.type === 'text' ? { template: remote.template } : { messages: remote.messages };
  return stableJson(body) === stableJson(held) && stableJson(local.config ?? {}) === stableJson(remote.config);
}

function sameDetails(local: LocalPrompt['body'], remote: ResolvedPrompt): boolean {
  return (local.name === undefined || local.name === remote.name) && (local.description === undefined || local.description === (remote.description ?? ''));
}

function plan(local: LocalPrompt, remote: Remote, label: string | undefined): Plan {
  if (remote.state === 'missing') return { local, step: 'create' };
  if (remote.state === 'empty') return { local, step: 'version' };
  const { latest } = remote;
  if (latest.type !== local.body.type) {
    throw new CliError(`${local.file}: "${local.key}" is a ${latest.type} prompt on the engine; ${latest.type === 'chat' ? 'write it as a .json file with messages' : 'give it a template'}`);
  }
  const base = { local, latestVersion: latest.version };
  if (!sameContent(local.body, latest)) return { ...base, step: 'version' };
  if (!sameDetails(local.body, latest)) return { ...base, step: 'details' };
  if (label && !latest.labels.includes(label)) return { ...base, step: 'label' };
  return { ...base, step: 'unchanged' };
}

function describe(entry: Plan, label: string | undefined, dryRun: boolean): string {
  const would = (text: string) => (dryRun ? `would ${text}` : text);
  const labelled = label ? `, labelled ${label}` : '';
  switch (entry.step) {
    case 'create':
      return would(`create the prompt (version 1${labelled})`);
    case 'version':
      return would(`add a version (content changed${labelled})`);
    case 'details':
      return would(`update name/description (content unchanged, v${entry.latestVersion})`);
    case 'label':
      return would(`move ${label} to v${entry.latestVersion}`);
    case 'unchanged':
      return `unchanged (v${entry.latestVersion})`;
  }
}

/** Makes the change a plan step calls for; returns what happened, in words. */
async function apply(api: ApiClient, entry: Plan, options: { label?: string | undefined; message?: string | undefined }): Promise<string> {
  const { local } = entry;
  if (entry.step === 'label') {
    const moved = await moveLabels(api, local.key, { [options.label!]: entry.latestVersion! });
    return moved.promotionRequests.length > 0 ? `${options.label} is protected: a promotion request awaits an admin` : `moved ${options.label} to v${entry.latestVersion}`;
  }
  let body: SavePromptBody;
  if (entry.step === 'details') {
    const details = Object.fromEntries(['name', 'description', 'tags', ...metadataFields].filter((field) => field in local.body).map((field) => [field, local.body[field as keyof typeof local.body]]));
    body = { key: local.key, ...details };
  } else {
    const labels = [...new Set([...(local.body.labels ?? []), ...(options.label ? [options.label] : [])])];
    const commitMessage = local.body.commitMessage ?? options.message;
    body = { key: local.key, ...local.body, labels, ...(commitMessage !== undefined && { commitMessage }) };
  }
  const saved = await savePrompt(api, body, randomUUID());
  const waiting = saved.promotionRequests.map((request) => request.label);
  const suffix = waiting.length > 0 ? `; ${waiting.join(', ')} awaits an admin's approval (protected)` : '';
  if (entry.step === 'details') return `updated name/description${suffix}`;
  return `${saved.created ? 'created' : 'added'} v${saved.version?.version ?? '?'}${suffix}`;
}

export const pushCommand: Command = {
  name: 'push',
  summary: 'Create prompt versions from local files, where content changed (for CI)',
  help: `Usage: forprompt push [--dir <dir>] [--label <label>] [--message <text>] [--dry-run]

Reads the prompt files in <dir> and, for each, compares it with the newest version on the engine:
a new prompt is created, changed content (template, messages or config) becomes a new version, and
unchanged content creates nothing. Files are checked first (as "forprompt validate" does); if any
is invalid nothing is pushed. Exits non-zero if any prompt could not be pushed.

Prompt files (the file name without extension is the prompt key):
  <key>.md     a text prompt: optional front matter, then the template
                 ---
                 name: Support reply
                 description: First answer to a ticket
                 tags: [support, email]
                 config: {"temperature": 0.2}
                 ---
                 Hello {{customer}}, thanks for writing about {{topic}}.
  <key>.json   any prompt, as the body of POST /api/v1/prompts without "key", e.g.
               {"name": "Helper", "messages": [{"role": "system", "content": "You help {{user}}."}]}

Options:
  --dir <dir>         directory of prompt files (default: prompts)
  --label <label>     give new versions this label (e.g. production); with unchanged content, move the
                      label to the newest version if it is elsewhere. Protected labels become requests.
  --message <text>    commit message for new versions (a file's commitMessage wins)
  --dry-run           show what would change, change nothing
${connectionHelp}`,
  options: { ...connectionOptions, dir: { type: 'string' }, label: { type: 'string' }, message: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run(args) {
    noPositionals(this, args);
    const label = stringValue(args, 'label');
    if (label !== undefined && (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(label) || label === 'latest')) {
      throw new CliError(`--label "${label}" is not a label you can set (lower-case letters, digits, ".", "_", "-"; not "latest")`, 2);
    }
    const dryRun = flagValue(args, 'dry-run');
    const dir = path.resolve(stringValue(args, 'dir') ?? 'prompts');
    const { prompts, problems } = await readPromptFiles(dir);
    if (problems.length > 0) {
      for (const problem of problems) process.stderr.write(`${formatProblem({ ...problem, file: path.relative(process.cwd(), problem.file) || problem.file })}\n`);
      throw new CliError(`${plural(problems.length, 'problem')} in the prompt files; nothing was pushed`);
    }
    if (prompts.length === 0) throw new CliError(`No prompt files (.md or .json) in ${path.relative(process.cwd(), dir) || dir}`);

    const api = new ApiClient(requireConnection(connectionFlags(args), process.cwd()));
    const width = Math.max(...prompts.map((prompt) => prompt.key.length));
    const counts = new Map<Step, number>();
    let failed = 0;
    for (const [index, local] of prompts.entries()) {
      const position = `[${index + 1}/${prompts.length}] ${local.key.padEnd(width)}`;
      try {
        const entry = plan(local, await fetchRemote(api, local.key), label);
        const outcome = dryRun || entry.step === 'unchanged' ? describe(entry, label, dryRun) : await apply(api, entry, { label, message: stringValue(args, 'message') });
        counts.set(entry.step, (counts.get(entry.step) ?? 0) + 1);
        say(`${position}  ${outcome}`);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        failed++;
        say(`${position}  failed: ${error.message}`);
      }
    }
    const summary = [
      counts.get('create') && `${counts.get('create')} created`,
      counts.get('version') && `${plural(counts.get('version')!, 'new version')}`,
      counts.get('details') && `${counts.get('details')} with new details`,
      counts.get('label') && `${plural(counts.get('label')!, 'label move')}`,
      counts.get('unchanged') && `${counts.get('unchanged')} unchanged`,
    ].filter(Boolean);
    say(dryRun ? `Dry run (nothing was changed): ${summary.join(', ') || 'nothing to do'}.` : `Pushed: ${summary.join(', ') || 'nothing'}.`);
    if (failed > 0) throw new CliError(`${failed} of ${plural(prompts.length, 'prompt')} could not be pushed`);
  },
};
