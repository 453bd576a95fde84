import { describe, expect, it } from 'vitest';
import { ApiRateLimiter } from './api-rate-limit.js';

describe('public API rate limits', () => {
  it('allows up to the limit per key and kind in a minute, then says when to retry', () => {
    const limiter = new ApiRateLimiter({ readsPerMinute: 3, writesPerMinute: 1 });
    const at = Date.UTC(2026, 0, 1, 12, 0, 15);
    expect([1, 2, 3, 4].map(() => limiter.take('key-a', 'read', at)?.allowed)).toEqual([true, true, true, false]);
    expect(limiter.take('key-a', 'read', at)).toEqual({ allowed: false, limit: 3, remaining: 0, retryAfterSeconds: 45 });
    expect(limiter.take('key-b', 'read', at)?.allowed).toBe(true);
    expect(limiter.take('key-a', 'write', at)?.allowed).toBe(true);
    expect(limiter.take('key-a', 'write', at)?.allowed).toBe(false);
    // A new minute starts a new window.
    expect(limiter.take('key-a', 'read', at + 45_000)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('has no limit at 0, and forgets finished windows when many keys come and go', () => {
    const limiter = new ApiRateLimiter({ readsPerMinute: 0, writesPerMinute: 5 });
    expect(limiter.take('key', 'read')).toBeNull();
    const at = Date.UTC(2026, 0, 1);
    for (let n = 0; n < 10_000; n++) limiter.take(`key-${n}`, 'write', at);
    limiter.take('late', 'write', at + 60_000);
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});
