import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { getProject } from '../api.js';
import { connectionFlags, connectionHelp, connectionOptions, noPositionals, type Command } from '../command.js';
import { normalizeBaseUrl, resolveSettings } from '../config.js';
import { setDotenvValues } from '../dotenv.js';
import { CliError } from '../errors.js';
import { ApiClient } from '../http.js';
import { say } from '../output.js';

async function ask(question: string, fallback: string | undefined, shown = fallback): Promise<string | undefined> {
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await reader.question(shown ? `${question} [${shown}]: ` : `${question}: `)).trim();
    return answer || fallback;
  } finally {
    reader.close();
  }
}

const masked = (apiKey: string) => `${apiKey.slice(0, 12)}…${apiKey.slice(-4)}`;

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Sets the two variables in `.env`, leaving every other line as it was; a new file is readable by its owner only. */
async function saveDotenv(cwd: string, values: Record<string, string>): Promise<void> {
  const file = path.join(cwd, '.env');
  const existing = await readIfExists(file);
  await fs.writeFile(file, setDotenvValues(existing ?? '', values), existing === null ? { mode: 0o600 } : {});
}

const IGNORES_DOTENV = new Set(['.env', '/.env', '.env*', '/.env*', '*.env']);

/** Adds `.env` to `.gitignore` (creating it) unless a line already ignores it. Returns whether it changed the file. */
async function ignoreDotenv(cwd: string): Promise<boolean> {
  const file = path.join(cwd, '.gitignore');
  const existing = (await readIfExists(file)) ?? '';
  if (existing.split(/\r?\n/).some((line) => IGNORES_DOTENV.has(line.trim()))) return false;
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await fs.writeFile(file, `${existing}${separator}.env\n`);
  return true;
}

export const initCommand: Command = {
  name: 'init',
  summary: 'Check an API key and save it with the engine URL in .env',
  help: `Usage: forprompt init [--api-key <key>] [--base-url <url>]

Checks the API key against the engine (GET /api/v1/project), then writes FORPROMPT_API_KEY and
FORPROMPT_BASE_URL to .env in this directory (other lines are kept) and adds .env to .gitignore.
Asks for what is not given when run in a terminal.

Options:
${connectionHelp}`,
  options: connectionOptions,
  async run(args) {
    noPositionals(this, args);
    const cwd = process.cwd();
    const flags = connectionFlags(args);
    const current = resolveSettings({}, cwd);
    const interactive = process.stdin.isTTY === true;
    let apiKey = flags.apiKey?.trim() || undefined;
    let baseUrl = flags.baseUrl?.trim() || undefined;
    if (interactive && !apiKey) apiKey = await ask('Project API key (Settings → API keys)', current.apiKey?.value, current.apiKey && masked(current.apiKey.value));
    if (interactive && !baseUrl) baseUrl = await ask('Engine URL', current.baseUrl.value);
    apiKey ??= current.apiKey?.value;
    baseUrl ??= current.baseUrl.value;
    if (!apiKey) throw new CliError('No API key: pass --api-key <key> (create one in the dashboard under Settings → API keys)');

    const connection = { apiKey, baseUrl: normalizeBaseUrl(baseUrl) };
    const project = await getProject(new ApiClient(connection));
    await saveDotenv(cwd, { FORPROMPT_API_KEY: connection.apiKey, FORPROMPT_BASE_URL: connection.baseUrl });
    const ignored = await ignoreDotenv(cwd);

    say(`Connected to project "${project.name}" (${project.slug}) at ${connection.baseUrl}.`);
    say(`Saved FORPROMPT_API_KEY and FORPROMPT_BASE_URL to .env${ignored ? ' and added .env to .gitignore' : ''}.`);
    say('');
    say('Next: "forprompt pull" writes forprompt/snapshot.json and typed constants in forprompt/index.ts.');
  },
};
