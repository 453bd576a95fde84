import type { ChangeFeed } from '../data/ports/change-feed.js';
import type { PromptStore, ResolvedPrompt } from '../data/prompts.js';
import { ChangeAwareCache } from '../lib/change-aware-cache.js';

const groupOf = (projectId: string, key: string) => `${projectId}\u0000${key}`;

/** Resolved `(project, key, label|version)` lookups, the hot path of applications fetching prompts. */
export class PromptCache {
  private readonly cache: ChangeAwareCache<ResolvedPrompt>;

  constructor(
    private readonly prompts: PromptStore,
    feed: ChangeFeed,
  ) {
    this.cache = new ChangeAwareCache(
      feed,
      (change) => {
        if (change.topic.startsWith('prompt.') && typeof change.data.projectId === 'string' && typeof change.data.key === 'string') {
          return [groupOf(change.data.projectId, change.data.key)];
        }
        return change.topic === 'project.deleted' || change.topic === 'organization.deleted' ? 'all' : null;
      },
      { maxEntries: 10_000, ttlMs: 10 * 60_000 },
    );
  }

  resolve(projectId: string, key: string, selector: { label: string } | { version: number }): Promise<ResolvedPrompt | null> {
    const group = groupOf(projectId, key);
    const cacheKey = `${group}\u0000${'label' in selector ? `l:${selector.label}` : `v:${selector.version}`}`;
    return this.cache.get(group, cacheKey, () => this.prompts.resolve(projectId, key, selector));
  }
}
