import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, normalizeBaseUrl, resolveOptions } from './index.js';

describe('resolveOptions', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('accepts the base URL with or without the /api suffix the original guide used', () => {
    expect(normalizeBaseUrl('https://fp.example.com/api')).toBe('https://fp.example.com');
    expect(normalizeBaseUrl('https://fp.example.com/api/')).toBe('https://fp.example.com');
    expect(normalizeBaseUrl('https://fp.example.com/')).toBe('https://fp.example.com');
    expect(normalizeBaseUrl('https://example.com/forprompt/api')).toBe('https://example.com/forprompt');
  });

  it('prefers options over the environment over defaults', () => {
    process.env.FORPROMPT_API_KEY = 'fp_proj_fromenv';
    process.env.FORPROMPT_BASE_URL = 'http://env.example:3000/api';
    expect(resolveOptions()).toMatchObject({ apiKey: 'fp_proj_fromenv', baseUrl: 'http://env.example:3000', timeoutMs: 30_000, maxRetries: 2, cacheTtlSeconds: 60, flushAt: 100, flushIntervalMs: 1_000, maxQueueSize: 10_000 });
    expect(resolveOptions({ apiKey: 'fp_proj_option', baseUrl: 'https://opt.example', timeout: 5_000, retries: 0 })).toMatchObject({
      apiKey: 'fp_proj_option',
      baseUrl: 'https://opt.example',
      timeoutMs: 5_000,
      maxRetries: 0,
    });
  });

  it('does not throw without a key and refuses a malformed base URL with a typed error', () => {
    delete process.env.FORPROMPT_API_KEY;
    delete process.env.FORPROMPT_BASE_URL;
    expect(resolveOptions().apiKey).toBeUndefined();
    expect(() => resolveOptions({ baseUrl: 'not a url' })).toThrow(ConfigurationError);
    expect(() => resolveOptions({ baseUrl: 'ftp://x' })).toThrow(/http or https/);
    expect(() => resolveOptions({ timeoutMs: 0 })).toThrow(ConfigurationError);
    expect(() => resolveOptions({ cacheTtlSeconds: -1 })).toThrow(/cacheTtlSeconds/);
  });

  it('reads the environment only when asked, and copes without a process object (browsers, edge)', () => {
    const saved = (globalThis as { process?: unknown }).process;
    const env = process.env;
    try {
      (globalThis as { process?: unknown }).process = undefined;
      expect(resolveOptions().apiKey).toBeUndefined();
    } finally {
      (globalThis as { process?: unknown }).process = saved;
    }
    expect(process.env).toBe(env);
  });
});
