import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariableNames, loadConfig } from './config.js';

const key = 'a'.repeat(64);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('defaults to the embedded database, local accounts, 127.0.0.1:3000 and AI disabled', () => {
    const config = loadConfig({ FORPROMPT_HOME: '/tmp/fp-home' });
    expect(config).toMatchObject({
      dataProvider: 'embedded',
      port: 3000,
      host: '127.0.0.1',
      home: '/tmp/fp-home',
      auth: { provider: 'local' },
      ai: { provider: null },
      publicUrl: 'http://127.0.0.1:3000',
      trustProxy: false,
      logLevel: 'info',
      corsOrigins: [],
      encryptionKey: undefined,
    });
  });

  it('accepts "postgres" for postgresql and the original’s NEXT_PUBLIC_ aliases', () => {
    const config = loadConfig({
      DATA_PROVIDER: 'postgres',
      DATABASE_URL: 'postgresql://u:p@db:5432/forprompt',
      ENCRYPTION_KEY: key,
      AUTH_PROVIDER: 'clerk',
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: 'pk_test_x',
      CLERK_SECRET_KEY: 'sk_test_x',
      NEXT_PUBLIC_CONVEX_URL: 'https://x.convex.cloud/',
    });
    expect(config.dataProvider).toBe('postgresql');
    expect(config.auth.clerk.publishableKey).toBe('pk_test_x');
    expect(config.convex.url).toBe('https://x.convex.cloud');
    expect(config.encryptionKey?.length).toBe(32);
  });

  it('names every bad variable on its own line, without echoing secrets', () => {
    const lines = problems({ PORT: 'abc', DATA_PROVIDER: 'mysql', LOG_LEVEL: 'loud', ENCRYPTION_KEY: 'short-secret', CORS_ORIGINS: 'https://ok.example,not an origin' });
    expect(lines).toHaveLength(5);
    expect(lines.find((line) => line.startsWith('PORT:'))).toContain('"abc"');
    expect(lines.find((line) => line.startsWith('DATA_PROVIDER:'))).toContain('embedded, postgresql, convex');
    expect(lines.find((line) => line.startsWith('LOG_LEVEL:'))).toBeDefined();
    expect(lines.find((line) => line.startsWith('CORS_ORIGINS:'))).toContain('not an origin');
    const keyLine = lines.find((line) => line.startsWith('ENCRYPTION_KEY:'));
    expect(keyLine).toContain('64 hex');
    expect(keyLine).not.toContain('short-secret');
  });

  it('reports problems between variables together with malformed ones', () => {
    expect(problems({ PORT: 'x', DATA_PROVIDER: 'postgresql' }).map((line) => line.split(':')[0])).toEqual(['PORT', 'DATABASE_URL', 'ENCRYPTION_KEY']);
  });

  it('never echoes a database password, whatever characters it holds', () => {
    const [line] = problems({ DATABASE_URL: 'mysql://app:Zx9/Kq+w3@x=@db.internal:3306/forprompt' });
    expect(line).toContain('db.internal');
    expect(line).not.toMatch(/Zx9|Kq|w3/);
  });

  it('requires DATABASE_URL and ENCRYPTION_KEY with an external database', () => {
    const lines = problems({ DATA_PROVIDER: 'postgresql' });
    expect(lines.map((line) => line.split(':')[0])).toEqual(['DATABASE_URL', 'ENCRYPTION_KEY']);
    expect(problems({ DATA_PROVIDER: 'postgresql', DATABASE_URL: 'mysql://x/y', ENCRYPTION_KEY: key })[0]).toMatch(/^DATABASE_URL: .*postgres/);
  });

  it('requires the Clerk keys in Clerk mode and the provider key for the chosen AI provider', () => {
    expect(problems({ AUTH_PROVIDER: 'clerk' }).map((line) => line.split(':')[0])).toEqual(['CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY']);
    expect(problems({ AUTH_PROVIDER: 'clerk', CLERK_PUBLISHABLE_KEY: 'pk', CLERK_JWT_KEY: 'pem' })).toEqual([]);
    expect(problems({ AI_PROVIDER: 'anthropic' })).toEqual(['ANTHROPIC_API_KEY: required when AI_PROVIDER=anthropic']);
  });

  it('infers the AI provider from the configured key and defaults Ollama to the local server', () => {
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x' }).ai.provider).toBe('openai');
    expect(loadConfig({ AI_PROVIDER: 'ollama' }).ai).toMatchObject({ provider: 'ollama', ollama: { baseUrl: 'http://127.0.0.1:11434', model: 'llama3.1' } });
    expect(loadConfig({ CUSTOM_AI_BASE_URL: 'http://localhost:1234/v1/' }).ai).toMatchObject({ provider: 'custom', custom: { baseUrl: 'http://localhost:1234/v1' } });
  });

  it('reads the AI base URLs, model, timeout and limit, with the providers’ own URLs by default', () => {
    expect(loadConfig({}).ai).toMatchObject({
      provider: null,
      timeoutMs: 120_000,
      rateLimitPerMinute: 60,
      openrouter: { baseUrl: 'https://openrouter.ai/api/v1' },
      openai: { baseUrl: 'https://api.openai.com/v1' },
      anthropic: { baseUrl: 'https://api.anthropic.com' },
    });
    const ai = loadConfig({ AI_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'sk-ant-x', ANTHROPIC_BASE_URL: 'https://gateway.internal/anthropic/', AI_MODEL: 'claude-x', AI_TIMEOUT_SECONDS: '30', AI_RATE_LIMIT_PER_MINUTE: '0' }).ai;
    expect(ai).toMatchObject({ provider: 'anthropic', model: 'claude-x', timeoutMs: 30_000, rateLimitPerMinute: 0, anthropic: { apiKey: 'sk-ant-x', baseUrl: 'https://gateway.internal/anthropic' } });
  });

  it('stops on a bad AI setting, naming the variable', () => {
    expect(problems({ AI_PROVIDER: 'gemini' })[0]).toMatch(/^AI_PROVIDER: expected one of openrouter, openai, anthropic, ollama, custom/);
    expect(problems({ AI_PROVIDER: 'custom' })).toEqual([expect.stringMatching(/^CUSTOM_AI_BASE_URL: required when AI_PROVIDER=custom/)]);
    expect(problems({ OPENAI_BASE_URL: 'api.openai.com' })[0]).toMatch(/^OPENAI_BASE_URL: expected an http/);
    expect(problems({ AI_TIMEOUT_SECONDS: '0' })[0]).toMatch(/^AI_TIMEOUT_SECONDS: /);
    expect(problems({ CUSTOM_AI_API_KEY: 'x', AI_RATE_LIMIT_PER_MINUTE: '-1' }).map((line) => line.split(':')[0])).toEqual(['AI_RATE_LIMIT_PER_MINUTE']);
  });

  it('treats empty values as unset and parses TRUST_PROXY forms', () => {
    expect(loadConfig({ PORT: '', TRUST_PROXY: '1' })).toMatchObject({ port: 3000, trustProxy: 1 });
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('is mirrored by .env.example, which lists every variable and nothing else', () => {
    const example = fs.readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
    expect(new Set(documented)).toEqual(new Set(configVariableNames));
  });
});
