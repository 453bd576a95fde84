import { ConfigurationError } from './errors.js';

export interface ForPromptOptions {
  apiKey?: string;
  baseUrl?: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** The original SDK's names, still accepted. */
  timeout?: number;
  retries?: number;
}

export interface ResolvedOptions {
  apiKey: string | undefined;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
}

export const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}

/**
 * The engine's root URL from what users write: with or without a trailing slash, and with or
 * without the `/api` suffix the original guide used (`https://host/api`).
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(`baseUrl "${baseUrl}" is not a valid URL (expected e.g. https://forprompt.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`baseUrl "${baseUrl}" must use http or https`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api$/, '');
  return `${url.origin}${path}`;
}

/** Options, then environment (FORPROMPT_API_KEY, FORPROMPT_BASE_URL), then defaults. Never reaches the network. */
export function resolveOptions(options: ForPromptOptions = {}): ResolvedOptions {
  const timeoutMs = options.timeoutMs ?? options.timeout ?? 30_000;
  const maxRetries = options.maxRetries ?? options.retries ?? 2;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new ConfigurationError('timeoutMs must be a positive number');
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new ConfigurationError('maxRetries must be a whole number ≥ 0');
  return {
    apiKey: options.apiKey ?? readEnv('FORPROMPT_API_KEY'),
    baseUrl: normalizeBaseUrl(options.baseUrl ?? readEnv('FORPROMPT_BASE_URL') ?? DEFAULT_BASE_URL),
    timeoutMs,
    maxRetries,
  };
}
