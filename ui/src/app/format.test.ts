import { describe, expect, it } from 'vitest';
import { formatCountOf } from './format';

describe('counts with their noun', () => {
  it('say one in the singular, any other count in the plural', () => {
    expect(formatCountOf(1, 'user')).toBe('1 user');
    expect(formatCountOf(0, 'session')).toBe('0 sessions');
    expect(formatCountOf(1204, 'session')).toBe(`${(1204).toLocaleString()} sessions`);
  });
});
