import type { IncomingHttpHeaders } from 'node:http';
import type { ChangeFeed } from '../data/ports/change-feed.js';
import { API_KEY_PATTERN, sha256Hex } from '../lib/tokens.js';
import type { ApiKeyStore, ProjectApiKey } from '../data/provider.js';
import { ChangeAwareCache } from '../lib/change-aware-cache.js';

type KeyRecord = ProjectApiKey & { organizationId: string };

export type KeyCheck = { ok: true; key: KeyRecord } | { ok: false; code: string; message: string };

/** The key a request presents: `X-API-Key` (the original's header), else `Authorization: Bearer`. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  const fromHeader = typeof header === 'string' ? header.trim() : undefined;
  return fromHeader || /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
}

/** Whether the request presents a project API key rather than a session: X-API-Key, or a Bearer token shaped like our keys (not a Clerk token). */
export function presentsProjectKey(headers: IncomingHttpHeaders): boolean {
  const header = headers['x-api-key'];
  return (typeof header === 'string' && header.trim() !== '') || /^Bearer\s+fp_proj_/i.test(headers.authorization ?? '');
}

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

  /** The usable key a request presents (its use recorded), or why there is none. */
  async authenticate(headers: IncomingHttpHeaders, onTouchError: (error: unknown) => void): Promise<KeyCheck> {
    const presented = presentedApiKey(headers);
    if (!presented) return { ok: false, code: 'api_key_required', message: 'Send your project API key in the X-API-Key header (or Authorization: Bearer)' };
    const key = API_KEY_PATTERN.test(presented) ? await this.find(sha256Hex(presented)) : null;
    if (!key) return { ok: false, code: 'invalid_api_key', message: 'This API key is not valid' };
    if (key.revokedAt) return { ok: false, code: 'api_key_revoked', message: 'This API key has been revoked' };
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return { ok: false, code: 'api_key_expired', message: 'This API key has expired' };
    this.touch(key.id).catch(onTouchError);
    return { ok: true, key };
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
