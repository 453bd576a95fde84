import fs from 'node:fs';
import path from 'node:path';
import { parseDotenv } from './dotenv.js';
import { CliError } from './errors.js';

/** The engine a fresh appliance listens on. */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';

export interface ConnectionFlags {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
}

export interface Connection {
  apiKey: string;
  /** The engine's root URL, without a trailing slash or `/api`. */
  baseUrl: string;
}

type Source = 'flag' | 'environment' | '.env' | 'default';

/**
 * The engine's root from what users write: with or without a trailing slash, and with or without the
 * `/api` suffix the original guide used (`https://host/api`).
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new CliError(`"${baseUrl}" is not a URL (expected e.g. http://127.0.0.1:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`"${baseUrl}" must start with http:// or https://`);
  const pathname = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  return `${url.origin}${pathname}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function readDotenvFile(cwd: string): Map<string, string> {
  try {
    return parseDotenv(fs.readFileSync(path.join(cwd, '.env'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new CliError(`Cannot read .env: ${(error as Error).message}`);
  }
}

/** Flags, then the environment (FORPROMPT_API_KEY, FORPROMPT_BASE_URL), then `.env` in `cwd`, then the default URL. */
export function resolveSettings(flags: ConnectionFlags, cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const dotenv = readDotenvFile(cwd);
  const pick = (flag: string | undefined, name: string): { value: string; source: Source } | undefined => {
    const candidates: Array<[string | undefined, Source]> = [
      [flag, 'flag'],
      [env[name], 'environment'],
      [dotenv.get(name), '.env'],
    ];
    for (const [value, source] of candidates) {
      const present = nonEmpty(value);
      if (present) return { value: present, source };
    }
    return undefined;
  };
  const apiKey = pick(flags.apiKey, 'FORPROMPT_API_KEY');
  const baseUrl = pick(flags.baseUrl, 'FORPROMPT_BASE_URL') ?? { value: DEFAULT_BASE_URL, source: 'default' as const };
  return { apiKey, baseUrl };
}

/** The API key and URL a command needs, or a one-line reason to stop. */
export function requireConnection(flags: ConnectionFlags, cwd: string, env: NodeJS.ProcessEnv = process.env): Connection {
  const { apiKey, baseUrl } = resolveSettings(flags, cwd, env);
  if (!apiKey) throw new CliError('No API key: pass --api-key, set FORPROMPT_API_KEY, or run "forprompt init"');
  return { apiKey: apiKey.value, baseUrl: normalizeBaseUrl(baseUrl.value) };
}
