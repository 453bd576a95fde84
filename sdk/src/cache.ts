import type { SdkLogger } from './config.js';
import { isPromptData, toPrompt, type Prompt } from './prompt.js';
import type { PromptStore } from './store.js';

export interface CacheEntry {
  prompt: Prompt;
  /** The engine's ETag for the body, for revalidation with If-None-Match (none for snapshot entries). */
  etag: string | undefined;
  /** When the engine last confirmed this version (ms since the epoch); 0 for snapshot answers (always stale). */
  fetchedAt: number;
  /** After a failed refresh, no new one starts before this time, so a down engine is not asked on every call. */
  retryRefreshAt?: number;
}

/**
 * The prompt cache: entries in memory under one key spelling (`cacheKeyOf`), read through to an
 * optional persistent store, and one refresh per key at a time — concurrent callers share it.
 */
export class PromptCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #inflight = new Map<string, Promise<CacheEntry>>();

  constructor(
    private readonly store: PromptStore | null,
    private readonly logger: SdkLogger,
  ) {}

  /** From memory only: the hot path, synchronous. */
  get(cacheKey: string): CacheEntry | undefined {
    return this.#entries.get(cacheKey);
  }

  /** From the persistent store, into memory (a browser reload); undefined without a store or on any failure. */
  async hydrate(cacheKey: string): Promise<CacheEntry | undefined> {
    if (!this.store) return undefined;
    try {
      const stored = await this.store.get(cacheKey);
      if (!stored || !isPromptData(stored.data)) return undefined;
      // Another caller may have fetched it meanwhile: memory wins.
      const current = this.#entries.get(cacheKey);
      if (current) return current;
      const entry: CacheEntry = { prompt: toPrompt(stored.data, 'server'), etag: stored.etag, fetchedAt: stored.fetchedAt };
      this.#entries.set(cacheKey, entry);
      return entry;
    } catch (error) {
      this.logger.debug?.(`Reading the prompt store failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  set(cacheKey: string, entry: CacheEntry, persist = true): void {
    this.#entries.set(cacheKey, entry);
    if (persist && this.store && entry.prompt.source === 'server') {
      this.store.set(cacheKey, { data: entry.prompt.data, etag: entry.etag, fetchedAt: entry.fetchedAt }).catch((error: Error) => {
        this.logger.debug?.(`Writing the prompt store failed: ${error.message}`);
      });
    }
  }

  delete(cacheKey: string): void {
    this.#entries.delete(cacheKey);
    this.store?.delete(cacheKey).catch(() => {});
  }

  /** Drops every entry whose key starts with `prefix` (all selectors of one prompt after a write). */
  deleteByPrefix(prefix: string): void {
    for (const cacheKey of this.#entries.keys()) if (cacheKey.startsWith(prefix)) this.delete(cacheKey);
  }

  /** Runs `refresh` unless one for this key is already running, in which case its result is shared. */
  singleFlight(cacheKey: string, refresh: () => Promise<CacheEntry>): Promise<CacheEntry> {
    const running = this.#inflight.get(cacheKey);
    if (running) return running;
    const started = refresh().finally(() => this.#inflight.delete(cacheKey));
    this.#inflight.set(cacheKey, started);
    return started;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** A hash of the API key (FNV-1a style, 52 bits), so persisted keys scope prompts to a project without storing the key. */
export function scopeOf(baseUrl: string, apiKey: string | undefined): string {
  let hash = 0xcbf29ce484222325n;
  for (const char of apiKey ?? '') hash = ((hash ^ BigInt(char.codePointAt(0)!)) * 0x100000001b3n) & 0xfffffffffffffn;
  return `${baseUrl}#${hash.toString(36)}`;
}

/** The one spelling of a cache key, used for every read and every write. */
export function cacheKeyOf(scope: string, promptKey: string, selector: string): string {
  return `${scope}\u0000${promptKey}\u0000${selector}`;
}
