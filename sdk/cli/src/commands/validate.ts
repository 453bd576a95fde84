import path from 'node:path';
import { listPrompts, validateKey } from '../api.js';
import { connectionFlags, connectionHelp, connectionOptions, flagValue, noPositionals, stringValue, type Command } from '../command.js';
import { normalizeBaseUrl, resolveSettings } from '../config.js';
import { CliError, ConnectionError } from '../errors.js';
import { ApiClient } from '../http.js';
import { note, plural, say } from '../output.js';
import { formatProblem, readPromptFiles, type LocalPrompt, type PromptFileProblem } from '../prompt-files.js';

/**
 * The engine's side of validation: the key is valid (GET /api/cli/validate) and no local file changes
 * a prompt's type. Skipped, with a note, when there is no key or the engine cannot be reached.
 */
async function checkWithEngine(api: ApiClient, prompts: LocalPrompt[]): Promise<PromptFileProblem[]> {
  const { project } = await validateKey(api);
  say(`API key is valid for project "${project.projectName}" (${project.orgName}).`);
  const remoteTypes = new Map((await listPrompts(api)).map((prompt) => [prompt.key, prompt.type]));
  return prompts
    .filter((prompt) => remoteTypes.has(prompt.key) && remoteTypes.get(prompt.key) !== prompt.body.type)
    .map((prompt) => ({ file: prompt.file, message: `"${prompt.key}" is a ${remoteTypes.get(prompt.key)} prompt on the engine, this file makes it ${prompt.body.type}` }));
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check local prompt files (template syntax, fields) and the API key',
  help: `Usage: forprompt validate [--dir <dir>] [--offline]

Checks every prompt file in <dir> (the format is in "forprompt push --help"): front matter and JSON,
fields, and template syntax, reported as file:line:column. Then, when an API key is configured and
the engine answers, checks the key (GET /api/cli/validate) and that no file changes a prompt's type.
Exits non-zero if anything is wrong.

Options:
  --dir <dir>         directory of prompt files (default: prompts)
  --offline           check the files only
${connectionHelp}`,
  options: { ...connectionOptions, dir: { type: 'string' }, offline: { type: 'boolean' } },
  async run(args) {
    noPositionals(this, args);
    const dir = path.resolve(stringValue(args, 'dir') ?? 'prompts');
    const { prompts, problems, files } = await readPromptFiles(dir);
    if (!flagValue(args, 'offline')) {
      const settings = resolveSettings(connectionFlags(args), process.cwd());
      if (!settings.apiKey) {
        note('No API key configured: checked the files only.');
      } else {
        const api = new ApiClient({ apiKey: settings.apiKey.value, baseUrl: normalizeBaseUrl(settings.baseUrl.value) });
        try {
          problems.push(...(await checkWithEngine(api, prompts)));
        } catch (error) {
          if (!(error instanceof ConnectionError)) throw error;
          note(`${error.message}: checked the files only.`);
        }
      }
    }
    for (const problem of problems) say(formatProblem({ ...problem, file: path.relative(process.cwd(), problem.file) || problem.file }));
    if (problems.length > 0) throw new CliError(`${plural(problems.length, 'problem')} in ${plural(files, 'prompt file')}`);
    say(`${plural(files, 'prompt file')} valid.`);
  },
};
