import { describe, expect, it } from 'vitest';
import { retryAfterMs, retryDelayMs } from './http.js';

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date, and retry-after-ms', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    const inFiveSeconds = new Date(Date.now() + 5_000).toUTCString();
    expect(retryAfterMs(new Headers({ 'retry-after': inFiveSeconds }))).toBeGreaterThan(3_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });

  it('backs off 0.5 s × 2ⁿ up to 8 s, less at most 25 % jitter, unless the server says when', () => {
    for (let retry = 0; retry < 8; retry++) {
      const ceiling = Math.min(500 * 2 ** retry, 8_000);
      const delay = retryDelayMs(retry, undefined);
      expect(delay).toBeLessThanOrEqual(ceiling);
      expect(delay).toBeGreaterThanOrEqual(ceiling * 0.75);
    }
    expect(retryDelayMs(3, 1_200)).toBe(1_200);
    // An unreasonable Retry-After is not waited for inside one call.
    expect(retryDelayMs(0, 3_600_000)).toBeLessThanOrEqual(500);
  });
});
