import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APITimeoutError, ForPrompt, InternalServerError, NotFoundError, RateLimitError, type ForPromptOptions } from '../src/index.js';
import { savePrompt, startTestEngine, type TestEngine } from './helpers/engine.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';

/** Retries and timeouts through a proxy that drops connections, fails, rate-limits and stalls. */
describe('retries through a fault-injecting proxy', () => {
  let engine: TestEngine;
  let proxy: FaultProxy;
  const client = (options: ForPromptOptions = {}) => new ForPrompt({ apiKey: engine.apiKey, baseUrl: `${proxy.url}/api`, logger: { warn: () => {} }, ...options });
  const promptRequests = () => proxy.requests.filter((request) => request.path.startsWith('/api/v1/prompts/retry-me'));

  beforeAll(async () => {
    engine = await startTestEngine();
    proxy = await startFaultProxy(engine.url);
    await savePrompt(engine, { key: 'retry-me', template: 'still here', labels: ['production'] });
  });
  afterEach(() => {
    proxy.requests.length = 0;
    expect(proxy.pending()).toBe(0);
  });
  afterAll(async () => {
    await proxy?.close();
    await engine?.dispose();
  });

  it('retries dropped connections and server errors, then succeeds', async () => {
    proxy.inject('/api/v1/prompts/retry-me', { kind: 'reset' }, { kind: 'status', status: 500 });
    const prompt = await client().getPrompt('retry-me');
    expect(prompt.template).toBe('still here');
    expect(promptRequests().map((request) => request.outcome)).toEqual(['reset', 'status', 'pass']);
  });

  it('waits as long as Retry-After says on a 429', async () => {
    proxy.inject('/api/v1/prompts/retry-me', { kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    await client().getPrompt('retry-me');
    const [limited, retried] = promptRequests();
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
  });

  it('backs off exponentially without Retry-After (about 0.5 s, then 1 s)', async () => {
    proxy.inject('/api/v1/prompts/retry-me', { kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    await client().getPrompt('retry-me');
    const [first, second, third] = promptRequests();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(350);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(700);
  });

  it('gives up after maxRetries with the last error, typed', async () => {
    proxy.inject('/api/v1/prompts/retry-me', { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const error = await client({ maxRetries: 1 }).getPrompt('retry-me').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, code: 'INJECTED_FAULT' });
    expect(promptRequests()).toHaveLength(2);

    proxy.inject('/api/v1/prompts/retry-me', { kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    const limited = await client({ maxRetries: 0 }).getPrompt('retry-me').catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfterSeconds).toBe(0);
  });

  it('times out a response slower than timeoutMs, and retries it', async () => {
    proxy.inject('/api/v1/prompts/retry-me', { kind: 'delay', ms: 1_500 });
    const started = Date.now();
    const prompt = await client({ timeoutMs: 300 }).getPrompt('retry-me');
    expect(prompt.template).toBe('still here');
    expect(Date.now() - started).toBeLessThan(1_500);

    proxy.inject('/api/v1/prompts/retry-me', { kind: 'delay', ms: 1_000 }, { kind: 'delay', ms: 1_000 });
    const error = await client({ timeoutMs: 200, maxRetries: 1 }).getPrompt('retry-me').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toMatchObject({ code: 'TIMEOUT' });
  });

  it('does not retry what a retry cannot fix (404)', async () => {
    await expect(client().getPrompt('not-there')).rejects.toBeInstanceOf(NotFoundError);
    expect(proxy.requests).toHaveLength(1);
  });

  it('adds a version exactly once when the answer to a create is lost and the SDK retries it', async () => {
    proxy.inject('/api/v1/prompts', { kind: 'reset-after-forward' });
    const saved = await client().prompts.createVersion('retry-me', { template: 'second' });
    expect(saved.version?.version).toBe(2);
    expect(proxy.requests.map((request) => request.outcome)).toEqual(['reset-after-forward', 'pass']);
    const latest = (await (await engine.call('/api/v1/prompts/retry-me?label=latest')).json()) as { version: number };
    expect(latest.version).toBe(2);
  });
});
