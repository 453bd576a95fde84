import type { Change, ChangeFeed } from '../data/ports/change-feed.js';
import type { PromptStore, ResolvedPrompt } from '../data/prompts.js';
import { ChangeAwareCache } from '../lib/change-aware-cache.js';

const groupOf = (projectId: string, key: string) => `${projectId}\u0000${key}`;

const staleGroups = (change: Change): string[] | 'all' | null => {
  if (change.topic.startsWith('prompt.') && typeof change.data.projectId === 'string' && typeof change.data.key === 'string') {
    return [groupOf(change.data.projectId, change.data.key)];
  }
  return change.topic === 'project.deleted' || change.topic === 'organization.deleted' ? 'all' : null;
};

/** Resolved `(project, key, label|version)` lookups, the hot path of applications fetching prompts. */
export class PromptCache {
  private readonly cache: ChangeAwareCache<ResolvedPrompt>;

  constructor(
    private readonly prompts: PromptStore,
    feed: ChangeFeed,
  ) {
    this.cache = new ChangeAwareCache(feed, staleGroups, { maxEntries: 10_000, ttlMs: 10 * 60_000 });
  }

  /** Drops what an event (from the outbox) made stale. */
  forget(event: { type: string; projectId: string | null; payload: Record<string, unknown> }): void {
    const stale = staleGroups({ topic: event.type, data: { ...event.payload, projectId: event.projectId } });
    if (stale === 'all') this.cache.clear();
    else for (const group of stale ?? []) this.cache.invalidate(group);
  }

  resolve(projectId: string, key: string, selector: { label: string } | { version: number }): Promise<ResolvedPrompt | null> {
    const group = groupOf(projectId, key);
    const cacheKey = `${group}\u0000${'label' in selector ? `l:${selector.label}` : `v:${selector.version}`}`;
    return this.cache.get(group, cacheKey, () => this.prompts.resolve(projectId, key, selector));
  }
}
