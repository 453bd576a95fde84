import { indexedDbStore } from './browser-store.js';
import type { PromptData } from './prompt.js';

/** A prompt as persisted between runs: the data, its ETag for revalidation, and when it was fetched. */
export interface StoredPrompt {
  data: PromptData;
  etag: string | undefined;
  /** Milliseconds since the epoch. */
  fetchedAt: number;
}

/**
 * Persistence under the in-memory cache, so that a restart (a browser reload) serves prompts before
 * the engine answers, or without it. Keys already include the project scope, key and label/version.
 * Implementations may fail: the SDK treats every failure as a miss and carries on.
 */
export interface PromptStore {
  get(cacheKey: string): Promise<StoredPrompt | undefined>;
  set(cacheKey: string, value: StoredPrompt): Promise<void>;
  delete(cacheKey: string): Promise<void>;
}

/** The `store` option as a store, or null for memory only. Default: IndexedDB where a browser offers it. */
export function selectStore(option: PromptStore | 'memory' | 'indexeddb' | undefined): PromptStore | null {
  if (option === 'memory') return null;
  if (typeof option === 'object') return option;
  const inBrowser = typeof (globalThis as { indexedDB?: unknown }).indexedDB !== 'undefined' && typeof (globalThis as { document?: unknown }).document !== 'undefined';
  if (option === 'indexeddb' || inBrowser) return indexedDbStore();
  return null;
}
