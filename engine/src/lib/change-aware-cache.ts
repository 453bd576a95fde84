import type { Change, ChangeFeed } from '../data/ports/change-feed.js';

/** Which cached groups a change makes stale: some groups, everything, or nothing. */
export type StaleGroups = (change: Change) => string[] | 'all' | null;

/**
 * A bounded LRU cache kept correct across engine replicas by the change feed: every write notifies
 * (on commit) and each replica drops what went stale. A load that raced with a change is not stored
 * (a generation per group is compared before and after the load). If the feed is unavailable nothing
 * is cached; after a reconnect everything is dropped, since notifications may have been missed.
 */
export class ChangeAwareCache<V> {
  private readonly entries = new Map<string, { value: V; group: string; expires: number }>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  private subscribed: Promise<void> | null = null;
  /** Bumped by every clear, so a load that started before a clear is never stored after it. */
  private epoch = 0;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly staleGroups: StaleGroups,
    private readonly options: { maxEntries: number; ttlMs: number },
  ) {}

  async get(group: string, key: string, load: () => Promise<V | null>): Promise<V | null> {
    if (!(await this.listening())) return load();
    const hit = this.entries.get(key);
    if (hit && hit.expires > Date.now()) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const generation = this.generations.get(group) ?? 0;
    const epoch = this.epoch;
    const value = await load();
    if (value !== null && this.feed.connected && this.epoch === epoch && (this.generations.get(group) ?? 0) === generation) this.store(group, key, value);
    return value;
  }

  invalidate(group: string): void {
    this.generations.set(group, (this.generations.get(group) ?? 0) + 1);
    for (const key of this.groups.get(group) ?? []) this.entries.delete(key);
    this.groups.delete(group);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.groups.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private async listening(): Promise<boolean> {
    this.subscribed ??= this.feed
      .subscribe((change) => {
        const stale = change.topic === '*' ? 'all' : this.staleGroups(change);
        if (stale === 'all') this.clear();
        else stale?.forEach((group) => this.invalidate(group));
      })
      .then(() => undefined);
    try {
      await this.subscribed;
      return this.feed.connected;
    } catch {
      this.subscribed = null;
      return false;
    }
  }

  private store(group: string, key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, group, expires: Date.now() + this.options.ttlMs });
    let keys = this.groups.get(group);
    if (!keys) this.groups.set(group, (keys = new Set()));
    keys.add(key);
    while (this.entries.size > this.options.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value as [string, { group: string }];
      this.entries.delete(oldest);
      this.groups.get(entry.group)?.delete(oldest);
    }
  }
}
