import type { ChangeFeed } from '../data/ports/change-feed.js';
import type { ApiKeyStore, ProjectApiKey } from '../data/provider.js';
import { ChangeAwareCache } from '../lib/change-aware-cache.js';

type KeyRecord = ProjectApiKey & { organizationId: string };
const TOUCH_INTERVAL_MS = 60_000;

/**
 * API keys by hash, for the authenticator: revocation and rotation reach every replica through the
 * change feed; expiry is checked on each use from the cached record. Last-used times are written at
 * most once a minute per key and process.
 */
export class ApiKeyCache {
  private readonly cache: ChangeAwareCache<KeyRecord>;
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyStore,
    feed: ChangeFeed,
  ) {
    this.cache = new ChangeAwareCache(
      feed,
      (change) => {
        if ((change.topic === 'api_key.revoked' || change.topic === 'api_key.rotated') && typeof change.data.keyHash === 'string') return [change.data.keyHash];
        return change.topic === 'project.deleted' || change.topic === 'organization.deleted' ? 'all' : null;
      },
      { maxEntries: 10_000, ttlMs: 60_000 },
    );
  }

  find(keyHash: string): Promise<KeyRecord | null> {
    return this.cache.get(keyHash, keyHash, () => this.keys.findByHash(keyHash));
  }

  /** Records use, without a database write on every request. */
  async touch(keyId: string): Promise<void> {
    const last = this.touched.get(keyId) ?? 0;
    if (Date.now() - last < TOUCH_INTERVAL_MS) return;
    this.touched.set(keyId, Date.now());
    if (this.touched.size > 50_000) this.touched.clear();
    await this.keys.touch(keyId);
  }
}
