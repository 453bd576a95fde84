import { describe, expect, it } from 'vitest';
import { maskSecret, SecretBox } from './secret-box.js';
import { API_KEY_PATTERN, apiKeyPrefix, generateApiKey } from './tokens.js';

describe('SecretBox', () => {
  const box = new SecretBox(Buffer.alloc(32, 1));

  it('round-trips a secret, with a fresh IV each time', () => {
    const first = box.seal('sk-live-1234567890');
    const second = box.seal('sk-live-1234567890');
    expect(first).not.toBe(second);
    expect(first.startsWith('v1.')).toBe(true);
    expect(first).not.toContain('sk-live');
    expect(box.open(first)).toBe('sk-live-1234567890');
  });

  it('refuses tampered ciphertext and another key', () => {
    const sealed = box.seal('secret');
    const [version, iv, tag, ciphertext] = sealed.split('.');
    const flipped = Buffer.from(ciphertext!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => box.open([version, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed)).toThrow();
    expect(() => box.open('plain text')).toThrow(/Not a sealed secret/);
  });

  it('masks a key to its start and last four characters', () => {
    expect(maskSecret('sk-or-v1-abcdefghijklmnop')).toBe('sk-o…mnop');
    expect(maskSecret('short-key')).toBe('s…-key');
  });
});

describe('generateApiKey', () => {
  it("makes keys in the original's format, from the whole alphabet", () => {
    const keys = Array.from({ length: 2_000 }, generateApiKey);
    for (const key of keys) expect(key).toMatch(API_KEY_PATTERN);
    expect(new Set(keys).size).toBe(keys.length);
    const characters = new Set(keys.flatMap((key) => [...key.slice(8)]));
    expect(characters.size).toBe(62);
    expect(apiKeyPrefix(keys[0]!)).toBe(keys[0]!.slice(0, 12));
  });
});
