import type { PromptStore, StoredPrompt } from './store.js';

const DATABASE = 'forprompt-sdk';
const OBJECT_STORE = 'prompts';

function promisify<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Prompts persisted in the browser's IndexedDB (database `forprompt-sdk`), so a reload serves them
 * offline. Opened on first use; if IndexedDB is unavailable (private mode, old browser) every call
 * rejects and the SDK works from memory.
 */
export function indexedDbStore(databaseName = DATABASE): PromptStore {
  let opened: Promise<IDBDatabase> | undefined;
  const database = () =>
    (opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      if (!factory) return reject(new Error('IndexedDB is not available here'));
      const request = factory.open(databaseName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(OBJECT_STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error('Cannot open IndexedDB'));
    }));
  const run = async <T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const transaction = (await database()).transaction(OBJECT_STORE, mode);
    return promisify(action(transaction.objectStore(OBJECT_STORE)));
  };
  return {
    get: (cacheKey) => run('readonly', (store) => store.get(cacheKey) as IDBRequest<StoredPrompt | undefined>),
    set: async (cacheKey, value) => void (await run('readwrite', (store) => store.put(value, cacheKey))),
    delete: async (cacheKey) => void (await run('readwrite', (store) => store.delete(cacheKey))),
  };
}
