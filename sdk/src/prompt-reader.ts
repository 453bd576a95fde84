import { cacheKeyOf, type CacheEntry, type PromptCache } from './cache.js';
import type { SdkLogger } from './config.js';
import { ForPromptError, isUnreachable, NotFoundError } from './errors.js';
import type { HttpClient } from './http.js';
import { fallbackPrompt, PromptTypeError, toPrompt, type Prompt, type PromptData, type PromptFallback } from './prompt.js';
import { selectorKeysOf, type OfflineSnapshot, type SnapshotDocument } from './snapshot.js';

export interface GetPromptOptions {
  /** Which labelled version (default `production`). */
  label?: string;
  /** A version number instead of a label. */
  version?: number;
  /** Overrides the client's `cacheTtlSeconds` for this call. */
  cacheTtlSeconds?: number;
  /** Answered when the engine cannot be reached and nothing is cached: a template, chat messages, or a fuller prompt. */
  fallback?: PromptFallback;
  /** Refuse a prompt of the other type (and narrow the result's type). */
  type?: 'text' | 'chat';
}

/** After a failed background refresh, the next waits this long (a down engine is not asked on every call). */
const REFRESH_BACKOFF_MS = 5_000;
const WARNING_INTERVAL_MS = 30_000;
const KEY = /^[A-Za-z0-9._-]{1,128}$/;

export interface PromptReaderDeps {
  http: HttpClient;
  cache: PromptCache;
  /** Which project's prompts (see `scopeOf`). */
  scope: string;
  ttlSeconds: number;
  snapshot: OfflineSnapshot | null;
  logger: SdkLogger;
}

function invalid(message: string): ForPromptError {
  return new ForPromptError(message, undefined, 'INVALID_INPUT');
}

/**
 * `getPrompt`: fresh entries from memory with no network; stale ones at once while one background
 * refresh (ETag → 304) runs; misses fetched. When the engine cannot be reached: a stale entry, then
 * the caller's fallback, then the offline snapshot; only with none of them does it throw.
 */
export class PromptReader {
  #lastWarningAt = 0;
  #snapshotEtag: string | undefined;
  #snapshotKeys = new Set<string>();

  constructor(private readonly deps: PromptReaderDeps) {}

  async get(key: string, options: GetPromptOptions = {}): Promise<Prompt> {
    const selector = options.version !== undefined ? `version:${options.version}` : `label:${options.label ?? 'production'}`;
    const cacheKey = cacheKeyOf(this.deps.scope, key, selector);
    const ttlMs = (options.cacheTtlSeconds ?? this.deps.ttlSeconds) * 1000;
    const entry = this.deps.cache.get(cacheKey) ?? (await this.deps.cache.hydrate(cacheKey));
    let prompt: Prompt;
    if (entry && Date.now() - entry.fetchedAt < ttlMs) {
      prompt = entry.prompt;
    } else if (entry && ttlMs > 0) {
      this.refreshInBackground(cacheKey, key, selector, entry);
      prompt = entry.prompt;
    } else {
      prompt = await this.fetch(cacheKey, key, selector, options, entry);
    }
    if (options.type && prompt.type !== options.type) throw new PromptTypeError(key, options.type, prompt.type);
    return prompt;
  }

  /** A miss (or a revalidation with `cacheTtlSeconds: 0`): ask the engine, else the offline sources. */
  private async fetch(cacheKey: string, key: string, selector: string, options: GetPromptOptions, stale: CacheEntry | undefined): Promise<Prompt> {
    if (typeof key !== 'string' || !KEY.test(key)) throw invalid(`Prompt key ${JSON.stringify(key)} is not valid: 1–128 letters, digits, ".", "_" or "-"`);
    if (options.version !== undefined && options.label !== undefined) throw invalid('Ask for a label or a version, not both');
    if (options.version !== undefined && (!Number.isInteger(options.version) || options.version < 1)) throw invalid('version must be a whole number ≥ 1');
    try {
      return (await this.refresh(cacheKey, key, selector, stale)).prompt;
    } catch (error) {
      const offline = await this.offline(cacheKey, key, selector, options, stale, error);
      if (offline) return offline;
      throw error;
    }
  }

  private async offline(cacheKey: string, key: string, selector: string, options: GetPromptOptions, stale: CacheEntry | undefined, error: unknown): Promise<Prompt | undefined> {
    const noKey = error instanceof ForPromptError && error.code === 'MISSING_API_KEY';
    if (!isUnreachable(error) && !noKey) return undefined;
    if (stale) return stale.prompt;
    if (options.fallback !== undefined) return fallbackPrompt(key, options.fallback);
    const { snapshot } = this.deps;
    if (!snapshot) return undefined;
    const data = await snapshot.find(key, selector).catch((snapshotError: Error) => {
      this.deps.logger.warn(snapshotError.message);
      return undefined;
    });
    if (!data) return undefined;
    // Cached as always stale: later calls answer at once while a refresh tries the engine.
    const entry: CacheEntry = { prompt: toPrompt(data, 'snapshot'), etag: undefined, fetchedAt: 0, retryRefreshAt: Date.now() + REFRESH_BACKOFF_MS };
    this.deps.cache.set(cacheKey, entry, false);
    return entry.prompt;
  }

  /** Fetches (with the stale entry's ETag) and caches; concurrent callers for one key share the request. */
  private refresh(cacheKey: string, key: string, selector: string, stale: CacheEntry | undefined): Promise<CacheEntry> {
    return this.deps.cache.singleFlight(cacheKey, async () => {
      const [kind, value] = [selector.slice(0, selector.indexOf(':')), selector.slice(selector.indexOf(':') + 1)];
      const response = await this.deps.http.request<PromptData>({
        method: 'GET',
        path: `/api/v1/prompts/${encodeURIComponent(key)}`,
        query: kind === 'version' ? { version: value } : value === 'production' ? {} : { label: value },
        etag: stale?.etag,
      });
      const fetchedAt = Date.now();
      const entry: CacheEntry =
        response.status === 304 && stale
          ? { prompt: stale.prompt, etag: stale.etag, fetchedAt }
          : { prompt: toPrompt(response.data!, 'server'), etag: response.etag, fetchedAt };
      this.deps.cache.set(cacheKey, entry);
      return entry;
    });
  }

  private refreshInBackground(cacheKey: string, key: string, selector: string, stale: CacheEntry): void {
    if (stale.retryRefreshAt !== undefined && Date.now() < stale.retryRefreshAt) return;
    this.refresh(cacheKey, key, selector, stale).catch((error: unknown) => {
      if (error instanceof NotFoundError) {
        // The label moved away or the prompt was deleted: stop serving what no longer exists.
        this.deps.cache.delete(cacheKey);
        return;
      }
      stale.retryRefreshAt = Date.now() + REFRESH_BACKOFF_MS;
      this.warn(`Serving a cached "${key}" (${stale.prompt.source === 'snapshot' ? 'from the offline snapshot' : 'stale'}): refreshing it failed: ${(error as Error).message}`);
    });
  }

  /** Warnings from background work, at most one per 30 s so a long outage does not flood the log. */
  private warn(message: string): void {
    const now = Date.now();
    if (now - this.#lastWarningAt < WARNING_INTERVAL_MS) return;
    this.#lastWarningAt = now;
    this.deps.logger.warn(message);
  }

  /**
   * Warms the cache from `GET /api/v1/snapshot`: every labelled version, under each of its labels and
   * its number. Revalidates with the snapshot's ETag; entries that left the snapshot are dropped.
   */
  async preload(): Promise<{ prompts: number; changed: boolean }> {
    const response = await this.deps.http.request<SnapshotDocument>({ method: 'GET', path: '/api/v1/snapshot', etag: this.#snapshotEtag });
    const fetchedAt = Date.now();
    const scope = this.deps.scope;
    if (response.status === 304) {
      for (const cacheKey of this.#snapshotKeys) {
        const entry = this.deps.cache.get(cacheKey);
        if (entry) this.deps.cache.set(cacheKey, { ...entry, fetchedAt }, false);
      }
      return { prompts: this.#snapshotKeys.size, changed: false };
    }
    const keys = new Set<string>();
    const prompts = response.data?.prompts ?? [];
    for (const data of prompts) {
      const prompt = toPrompt(data, 'server');
      for (const selector of selectorKeysOf(data)) {
        const cacheKey = cacheKeyOf(scope, data.key, selector);
        keys.add(cacheKey);
        this.deps.cache.set(cacheKey, { prompt, etag: undefined, fetchedAt });
      }
    }
    for (const cacheKey of this.#snapshotKeys) if (!keys.has(cacheKey)) this.deps.cache.delete(cacheKey);
    this.#snapshotKeys = keys;
    this.#snapshotEtag = response.etag;
    return { prompts: prompts.length, changed: true };
  }

  /** Every selector of a prompt, after a write through this client changed it. */
  forget(key: string): void {
    this.deps.cache.deleteByPrefix(cacheKeyOf(this.deps.scope, key, ''));
  }
}
