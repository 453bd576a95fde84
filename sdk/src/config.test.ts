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
    expect(resolveOptions()).toEqual({ apiKey: 'fp_proj_fromenv', baseUrl: 'http://env.example:3000', timeoutMs: 30_000, maxRetries: 2 });
    expect(resolveOptions({ apiKey: 'fp_proj_option', baseUrl: 'https://opt.example', timeout: 5_000, retries: 0 })).toEqual({
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
  });
});
