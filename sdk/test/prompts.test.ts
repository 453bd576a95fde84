import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, ChatPrompt, ForPrompt, MissingVariablesError, NotFoundError, PromptTypeError, TextPrompt, type ForPromptOptions } from '../src/index.js';
import { countingFetch } from './helpers/counting-fetch.js';
import { savePrompt, startTestEngine, type TestEngine } from './helpers/engine.js';

const quiet = { warn: () => {} };

/** getPrompt, the cache and the management calls against a real engine. */
describe('prompts through the SDK', () => {
  let engine: TestEngine;
  const client = (options: ForPromptOptions = {}) => new ForPrompt({ apiKey: engine.apiKey, baseUrl: engine.url, logger: quiet, ...options });

  beforeAll(async () => {
    engine = await startTestEngine();
    await savePrompt(engine, { key: 'greeting', template: 'Hello {{name}}, welcome to {{ place }}.', config: { model: 'gpt-4o-mini', temperature: 0.2 }, labels: ['production'] });
    await savePrompt(engine, { key: 'greeting', template: 'Hi {{name}} (staging)', labels: ['staging'] });
    await savePrompt(engine, {
      key: 'support-chat',
      type: 'chat',
      messages: [
        { role: 'system', content: 'You support {{product}}.' },
        { role: 'user', content: '{{question}}' },
      ],
      labels: ['production'],
    });
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it('fetches a prompt once, then serves it from memory without any request', async () => {
    const { fetch, calls } = countingFetch();
    const fp = client({ fetch });
    const first = await fp.getPrompt('greeting');
    expect(first).toBeInstanceOf(TextPrompt);
    expect(first.version).toBe(1);
    expect(first.labels).toContain('production');
    expect(first.config).toEqual({ model: 'gpt-4o-mini', temperature: 0.2 });
    expect(calls).toHaveLength(1);
    for (let index = 0; index < 100; index++) await fp.getPrompt('greeting');
    expect(calls).toHaveLength(1);
  });

  it('keeps labels and versions apart in the cache, reading each under the key it was written with', async () => {
    const { fetch, calls } = countingFetch();
    const fp = client({ fetch });
    expect((await fp.getPrompt('greeting')).version).toBe(1);
    expect((await fp.getPrompt('greeting', { label: 'staging' })).version).toBe(2);
    expect((await fp.getPrompt('greeting', { version: 2 })).version).toBe(2);
    expect((await fp.getPrompt('greeting', { label: 'production' })).version).toBe(1);
    expect(calls).toHaveLength(3); // label=production was the same entry as the default
    expect((await fp.getPrompt('greeting', { label: 'staging' })).version).toBe(2);
    expect((await fp.getPrompt('greeting', { version: 2 })).version).toBe(2);
    expect(calls).toHaveLength(3);
  });

  it('compiles text prompts and chat messages, naming every missing variable', async () => {
    const fp = client();
    const text = await fp.getPrompt('greeting', { type: 'text' });
    expect(text.compile({ name: 'Ada', place: 'ForPrompt' })).toBe('Hello Ada, welcome to ForPrompt.');
    expect(() => text.compile({})).toThrow(MissingVariablesError);
    expect(text.systemPrompt).toBe('Hello {{name}}, welcome to {{ place }}.');
    expect(text.versionNumber).toBe(1);

    const chat = await fp.getPrompt('support-chat', { type: 'chat' });
    expect(chat).toBeInstanceOf(ChatPrompt);
    expect(chat.messages).toHaveLength(2);
    expect(chat.compile({ product: 'Acme', question: 'Where is my order?' })).toEqual([
      { role: 'system', content: 'You support Acme.' },
      { role: 'user', content: 'Where is my order?' },
    ]);
    try {
      chat.compile({});
      expect.unreachable();
    } catch (error) {
      expect((error as MissingVariablesError).missing).toEqual(['product', 'question']);
    }
    await expect(fp.getPrompt('support-chat', { type: 'text' })).rejects.toBeInstanceOf(PromptTypeError);
  });

  it('revalidates with the ETag: an unchanged prompt costs a 304 and keeps its object', async () => {
    const { fetch, calls } = countingFetch();
    const fp = client({ fetch, cacheTtlSeconds: 0 });
    const first = await fp.getPrompt('greeting');
    const second = await fp.getPrompt('greeting');
    expect(calls.map((call) => call.status)).toEqual([200, 304]);
    expect(calls[1]!.ifNoneMatch).toMatch(/^"/);
    expect(second).toBe(first);
  });

  it('serves a stale prompt at once and refreshes it in the background, one request for concurrent callers', async () => {
    const { fetch, calls } = countingFetch();
    const fp = client({ fetch, cacheTtlSeconds: 0.5 });
    await savePrompt(engine, { key: 'swr', template: 'one', labels: ['production'] });
    expect((await fp.getPrompt('swr')).template).toBe('one');
    await savePrompt(engine, { key: 'swr', template: 'two', labels: ['production'] });
    await new Promise((resolve) => setTimeout(resolve, 600));
    const stale = await Promise.all(Array.from({ length: 10 }, () => fp.getPrompt('swr')));
    expect(stale.map((prompt) => prompt.template)).toEqual(Array(10).fill('one'));
    await expect.poll(async () => (await fp.getPrompt('swr')).template).toBe('two');
    expect(calls).toHaveLength(2);
  });

  it('shares one request among concurrent misses', async () => {
    const { fetch, calls } = countingFetch();
    const fp = client({ fetch });
    const prompts = await Promise.all(Array.from({ length: 20 }, () => fp.getPrompt('support-chat')));
    expect(new Set(prompts).size).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('preloads every labelled version from the snapshot, after which no prompt needs a request', async () => {
    const { fetch, calls } = countingFetch();
    const fp = client({ fetch });
    const result = await fp.preload();
    expect(result.prompts).toBeGreaterThanOrEqual(3);
    await fp.getPrompt('greeting');
    await fp.getPrompt('greeting', { label: 'staging' });
    await fp.getPrompt('greeting', { label: 'latest' });
    await fp.getPrompt('support-chat');
    expect(calls).toHaveLength(1);
    expect(await fp.preload()).toMatchObject({ changed: false });
    expect(calls.map((call) => call.status)).toEqual([200, 304]);
  });

  it('keeps all labelled prompts fresh with sync(), polling the snapshot with its ETag', async () => {
    const { fetch, calls } = countingFetch();
    const fp = client({ fetch, cacheTtlSeconds: 3600 });
    const sync = fp.sync({ intervalMs: 100 });
    await sync.ready;
    expect((await fp.getPrompt('greeting', { label: 'staging' })).version).toBe(2);
    await savePrompt(engine, { key: 'greeting', template: 'Hey {{name}} (staging 2)', labels: ['staging'] });
    await expect.poll(async () => (await fp.getPrompt('greeting', { label: 'staging' })).version, { timeout: 5_000 }).toBe(3);
    // Polls of an unchanged project cost a 304.
    await expect.poll(() => calls.some((call) => call.status === 304)).toBe(true);
    sync.stop();
    expect(calls.every((call) => call.url.endsWith('/api/v1/snapshot'))).toBe(true);
  });

  it('throws typed errors with the status, the original code and the request id', async () => {
    const fp = client();
    const missing = await fp.getPrompt('no-such-prompt').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, statusCode: 404, code: 'PROMPT_NOT_FOUND' });
    expect((missing as NotFoundError).requestId).toMatch(/.+/);
    const noLabel = await fp.getPrompt('greeting', { label: 'nope' }).catch((error: unknown) => error);
    expect(noLabel).toMatchObject({ status: 404, code: 'LABEL_NOT_FOUND' });

    const badKey = await client({ apiKey: `fp_proj_${'x'.repeat(32)}` }).getPrompt('greeting').catch((error: unknown) => error);
    expect(badKey).toBeInstanceOf(AuthenticationError);
    expect(badKey).toMatchObject({ status: 401 });

    const { fetch, calls } = countingFetch();
    const noKey = await new ForPrompt({ baseUrl: engine.url, fetch, logger: quiet }).getPrompt('greeting').catch((error: unknown) => error);
    expect(noKey).toMatchObject({ name: 'AuthenticationError', code: 'MISSING_API_KEY' });
    expect(calls).toHaveLength(0);
  });

  it('returns several prompts as a Map, leaving out the ones that fail', async () => {
    const prompts = await client().getPrompts(['greeting', 'support-chat', 'no-such-prompt']);
    expect([...prompts.keys()]).toEqual(['greeting', 'support-chat']);
    expect(prompts.get('greeting')?.systemPrompt).toContain('Hello');
  });

  it('creates prompts, adds versions, moves labels and lists every page', async () => {
    const fp = client();
    const created = await fp.prompts.create({ key: 'pipeline', name: 'Pipeline', template: 'v1 {{x}}', labels: ['production'], tags: ['ci'] });
    expect(created).toMatchObject({ created: true, prompt: { key: 'pipeline', labels: { production: 1 } }, version: { version: 1 } });
    expect((await fp.getPrompt('pipeline')).compile({ x: 1 })).toBe('v1 1');

    const second = await fp.prompts.createVersion('pipeline', { template: 'v2 {{x}}', commitMessage: 'second' });
    expect(second).toMatchObject({ created: false, version: { version: 2, commitMessage: 'second' } });
    const moved = await fp.prompts.setLabels('pipeline', { production: 2 });
    expect(moved).toMatchObject({ labels: { production: 2 }, pending: false });
    // The write dropped this client's cached entry: the new production version is served at once.
    expect((await fp.getPrompt('pipeline')).version).toBe(2);

    for (let index = 0; index < 4; index++) await fp.prompts.create({ key: `listed-${index}`, template: 't', tags: ['listed'] });
    const keys: string[] = [];
    for await (const prompt of fp.prompts.list({ tag: 'listed', limit: 3 })) keys.push(prompt.key);
    expect(keys).toEqual(['listed-0', 'listed-1', 'listed-2', 'listed-3']);
    const pages: number[] = [];
    for await (const page of fp.prompts.list({ tag: 'listed', limit: 3 }).pages()) pages.push(page.prompts.length);
    expect(pages).toEqual([3, 1]);
  });

  it('makes a retried create safe with an Idempotency-Key', async () => {
    const fp = client();
    const first = await fp.prompts.create({ key: 'idempotent', template: 'once' }, { idempotencyKey: 'release-42' });
    const again = await fp.prompts.create({ key: 'idempotent', template: 'once' }, { idempotencyKey: 'release-42' });
    expect(again).toEqual(first);
    const listed = await engine.call('/api/v1/prompts/idempotent?label=latest');
    expect(((await listed.json()) as { version: number }).version).toBe(1);
  });
});
