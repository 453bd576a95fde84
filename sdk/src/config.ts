import { ConfigurationError } from './errors.js';
import type { RedactionOptions } from './redact.js';
import type { PromptStore } from './store.js';
import type { SnapshotSource } from './snapshot.js';

/** Where the SDK reports what it cannot throw (background refreshes, tracing). Defaults to `console` for warnings. */
export interface SdkLogger {
  debug?(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error?(message: string, ...details: unknown[]): void;
}

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export interface ForPromptOptions {
  /** A project API key (`fp_proj_…`). Default: env `FORPROMPT_API_KEY`. */
  apiKey?: string;
  /** The engine's URL, with or without a trailing `/api`. Default: env `FORPROMPT_BASE_URL`, else http://127.0.0.1:3000. */
  baseUrl?: string;
  /** Per attempt, including reading the body. Default 30,000. */
  timeoutMs?: number;
  /** Retries after the first attempt (connection errors, 408, 429, 5xx). Default 2. */
  maxRetries?: number;
  /** The original SDK's names for `timeoutMs` and `maxRetries`, still accepted. */
  timeout?: number;
  retries?: number;
  /** How long a fetched prompt is served from memory without asking the engine. Default 60; 0 revalidates on every call. */
  cacheTtlSeconds?: number;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: FetchFunction;
  /** Where warnings go; `false` silences them. Default: console. */
  logger?: SdkLogger | false;
  /** An offline snapshot (`forprompt pull` output, or its file path in Node), answered when the engine cannot be reached. */
  snapshot?: SnapshotSource;
  /** Where fetched prompts persist across restarts. Default: IndexedDB in browsers, memory elsewhere. */
  store?: PromptStore | 'memory' | 'indexeddb';
  /** Tracing: send a batch at this many queued events (default 100) … */
  flushAt?: number;
  /** … or this long after the first queued event (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Events kept while the engine is unreachable; beyond it the oldest are dropped (default 10,000). */
  maxQueueSize?: number;
  /** Redact PII from traced content before it leaves the process: `true` for the built-in patterns. */
  redact?: boolean | RedactionOptions;
  /** `false` turns tracing into a no-op (nothing queued or sent). Default true. */
  tracingEnabled?: boolean;
}

export interface ResolvedOptions {
  apiKey: string | undefined;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  cacheTtlSeconds: number;
  fetch: FetchFunction;
  logger: SdkLogger;
  flushAt: number;
  flushIntervalMs: number;
  maxQueueSize: number;
  tracingEnabled: boolean;
}

export const DEFAULT_BASE_URL = 'http://127.0.0.1:3000';

/** Reads an environment variable where one exists (Node, Bun, Deno with --allow-env); never at import time. */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[name]?.trim();
    return value ? value : undefined;
  } catch {
    // Deno without env permission throws on access.
    return undefined;
  }
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

const consoleLogger: SdkLogger = {
  warn: (message, ...details) => console.warn(`[forprompt] ${message}`, ...details),
  error: (message, ...details) => console.error(`[forprompt] ${message}`, ...details),
};
const silentLogger: SdkLogger = { warn: () => {} };

/** The global fetch, looked up per call so it is never called unbound (browsers) and wrappers installed later apply. */
const globalFetch: FetchFunction = (input, init) => globalThis.fetch(input, init);

function positive(name: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigurationError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number (got ${value})`);
  }
  return value;
}

/** Options, then environment (FORPROMPT_API_KEY, FORPROMPT_BASE_URL), then defaults. Never reaches the network. */
export function resolveOptions(options: ForPromptOptions = {}): ResolvedOptions {
  const maxRetries = options.maxRetries ?? options.retries ?? 2;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new ConfigurationError('maxRetries must be a whole number ≥ 0');
  const flushAt = options.flushAt ?? 100;
  if (!Number.isInteger(flushAt) || flushAt < 1) throw new ConfigurationError('flushAt must be a whole number ≥ 1');
  return {
    apiKey: options.apiKey?.trim() || readEnv('FORPROMPT_API_KEY'),
    baseUrl: normalizeBaseUrl(options.baseUrl ?? readEnv('FORPROMPT_BASE_URL') ?? DEFAULT_BASE_URL),
    timeoutMs: positive('timeoutMs', options.timeoutMs ?? options.timeout ?? 30_000),
    maxRetries,
    cacheTtlSeconds: positive('cacheTtlSeconds', options.cacheTtlSeconds ?? 60, true),
    fetch: options.fetch ?? globalFetch,
    logger: options.logger === false ? silentLogger : (options.logger ?? consoleLogger),
    flushAt,
    flushIntervalMs: positive('flushIntervalMs', options.flushIntervalMs ?? 1_000),
    maxQueueSize: Math.max(flushAt, Math.floor(positive('maxQueueSize', options.maxQueueSize ?? 10_000))),
    tracingEnabled: options.tracingEnabled ?? true,
  };
}
