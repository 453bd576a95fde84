import { describe, expect, it } from 'vitest';
import type { RateLimitStore } from '../data/ports/rate-limit.js';
import { ApiRateLimiter } from './api-rate-limit.js';

/** The database's counters as rate_limit_buckets keeps them (the real store is in the conformance suite). */
function countersInMemory() {
  const counters = new Map<string, number>();
  const calls: Array<{ key: string; amount: number }> = [];
  const store: Pick<RateLimitStore, 'reserve'> = {
    async reserve(key, amount, rule) {
      calls.push({ key, amount });
      const before = counters.get(key) ?? 0;
      counters.set(key, before + amount);
      return { granted: Math.max(0, Math.min(amount, rule.limit - before)), reserved: Math.min(before + amount, rule.limit) };
    },
  };
  return { store, calls, counters };
}

const at = Date.UTC(2026, 0, 1, 12, 0, 15);

describe('public API rate limits', () => {
  it('allows up to the limit per key and kind in a minute, then says when to retry', async () => {
    const limiter = new ApiRateLimiter({ readsPerMinute: 3, writesPerMinute: 1 }, countersInMemory().store);
    const allowed = async (key: string, kind: 'read' | 'write', now = at) => (await limiter.take(key, kind, now))?.allowed;
    expect([await allowed('key-a', 'read'), await allowed('key-a', 'read'), await allowed('key-a', 'read'), await allowed('key-a', 'read')]).toEqual([true, true, true, false]);
    expect(await limiter.take('key-a', 'read', at)).toEqual({ allowed: false, limit: 3, remaining: 0, retryAfterSeconds: 45 });
    expect(await allowed('key-b', 'read')).toBe(true);
    expect(await allowed('key-a', 'write')).toBe(true);
    expect(await allowed('key-a', 'write')).toBe(false);
    // A new minute starts a new window.
    expect(await limiter.take('key-a', 'read', at + 45_000)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('shares one limit between replicas, reserving budget in chunks that grow with demand', async () => {
    const { store, calls } = countersInMemory();
    const replicas = [new ApiRateLimiter({ readsPerMinute: 1_000, writesPerMinute: 0 }, store), new ApiRateLimiter({ readsPerMinute: 1_000, writesPerMinute: 0 }, store)];
    let allowed = 0;
    for (let n = 0; n < 1_500; n++) if ((await replicas[n % 2]!.take('key', 'read', at))?.allowed) allowed++;
    // Each replica may keep at most a tenth of the limit unspent; never more than the limit in all.
    expect(allowed).toBeGreaterThanOrEqual(800);
    expect(allowed).toBeLessThanOrEqual(1_000);
    expect(Math.max(...calls.map((call) => call.amount))).toBe(100);
    expect(calls.length).toBeLessThan(40);
    // Refused locally once the database has nothing left: no more round trips this minute.
    const before = calls.length;
    for (let n = 0; n < 100; n++) await replicas[0]!.take('key', 'read', at);
    expect(calls.length).toBe(before);
  });

  it('asks for one reservation at a time, sized for the requests waiting on it', async () => {
    const { store, calls } = countersInMemory();
    const limiter = new ApiRateLimiter({ readsPerMinute: 1_000, writesPerMinute: 0 }, store);
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.take('key', 'read', at)));
    expect(decisions.every((decision) => decision?.allowed)).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(2);
  });

  it('counts in the process while the database is away, and says so once', async () => {
    const failures: unknown[] = [];
    const limiter = new ApiRateLimiter({ readsPerMinute: 2, writesPerMinute: 0 }, { reserve: () => Promise.reject(new Error('connection refused')) }, (error) => failures.push(error));
    const decisions = await Promise.all([1, 2, 3].map(() => limiter.take('key', 'read', at)));
    expect(decisions.map((decision) => decision?.allowed)).toEqual([true, true, false]);
    expect(failures).toHaveLength(1);
  });

  it('has no limit at 0, and forgets finished windows when many keys come and go', async () => {
    const limiter = new ApiRateLimiter({ readsPerMinute: 0, writesPerMinute: 5 }, countersInMemory().store);
    expect(await limiter.take('key', 'read')).toBeNull();
    const start = Date.UTC(2026, 0, 1);
    for (let n = 0; n < 10_000; n++) await limiter.take(`key-${n}`, 'write', start);
    await limiter.take('late', 'write', start + 60_000);
    expect((limiter as unknown as { budgets: Map<string, unknown> }).budgets.size).toBe(1);
  });
});
