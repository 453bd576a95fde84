import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIConnectionError, ForPrompt, NotFoundError, type ForPromptOptions, type SnapshotDocument } from '../src/index.js';
import { countingFetch } from './helpers/counting-fetch.js';
import { savePrompt, startTestEngine, type TestEngine } from './helpers/engine.js';

/** What getPrompt answers when the engine is down: a stale entry, then the fallback, then the offline snapshot. */
describe('prompts while the engine is stopped', () => {
  let engine: TestEngine;
  let snapshot: SnapshotDocument;
  let directory: string;
  const warnings: string[] = [];
  const client = (options: ForPromptOptions = {}) =>
    new ForPrompt({ apiKey: engine.apiKey, baseUrl: engine.url, maxRetries: 0, timeoutMs: 2_000, logger: { warn: (message) => warnings.push(message) }, ...options });
  // Warmed while the engine runs, used after it stops.
  let warm: ForPrompt;
  let warmRevalidating: ForPrompt;

  beforeAll(async () => {
    engine = await startTestEngine();
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-sdk-snapshot-'));
    await savePrompt(engine, { key: 'welcome', template: 'Welcome, {{name}}!', labels: ['production'] });
    await savePrompt(engine, { key: 'welcome', template: 'Welcome back, {{name}}!', labels: ['beta'] });
    snapshot = (await (await engine.call('/api/v1/snapshot')).json()) as SnapshotDocument;
    await fs.writeFile(path.join(directory, 'snapshot.json'), JSON.stringify(snapshot));
    warm = client({ cacheTtlSeconds: 0.05 });
    warmRevalidating = client({ cacheTtlSeconds: 0 });
    await warm.getPrompt('welcome');
    await warmRevalidating.getPrompt('welcome');
    await engine.stop();
  });
  afterAll(async () => {
    await engine?.dispose();
    await fs.rm(directory, { recursive: true, force: true });
  });

  it('serves the stale prompt, and warns once however often it is asked', async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    warnings.length = 0;
    for (let index = 0; index < 20; index++) expect((await warm.getPrompt('welcome')).compile({ name: 'Ada' })).toBe('Welcome, Ada!');
    await expect.poll(() => warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/Serving a cached "welcome" \(stale\)/);
  });

  it('serves the stale prompt when told to revalidate every time (cacheTtlSeconds: 0)', async () => {
    expect((await warmRevalidating.getPrompt('welcome')).version).toBe(1);
  });

  it("answers with the caller's fallback when nothing is cached", async () => {
    const prompt = await client().getPrompt('welcome', { fallback: 'Hello {{name}} (fallback)' });
    expect(prompt.isFallback).toBe(true);
    expect(prompt.source).toBe('fallback');
    expect(prompt.compile({ name: 'Ada' })).toBe('Hello Ada (fallback)');
    const chat = await client().getPrompt('welcome', { fallback: [{ role: 'system', content: 'Be {{tone}}' }] });
    expect(chat.type).toBe('chat');
    expect(chat.compile({ tone: 'kind' })).toEqual([{ role: 'system', content: 'Be kind' }]);
  });

  it('answers from an offline snapshot object, by label and by version', async () => {
    const fp = client({ snapshot });
    const production = await fp.getPrompt('welcome');
    expect(production.source).toBe('snapshot');
    expect(production.compile({ name: 'Ada' })).toBe('Welcome, Ada!');
    expect((await fp.getPrompt('welcome', { label: 'beta' })).version).toBe(2);
    expect((await fp.getPrompt('welcome', { version: 2 })).version).toBe(2);
  });

  it('answers from an offline snapshot file, read only when first needed', async () => {
    const file = path.join(directory, 'snapshot.json');
    const { fetch, calls } = countingFetch();
    const fp = client({ snapshot: file, fetch });
    const started = Date.now();
    expect((await fp.getPrompt('welcome')).version).toBe(1);
    // Later calls answer from the snapshot at once, while refreshes try the engine in the background.
    for (let index = 0; index < 10; index++) await fp.getPrompt('welcome');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(calls.length).toBeLessThanOrEqual(2);
    const broken = client({ snapshot: path.join(directory, 'missing.json') });
    await expect(broken.getPrompt('welcome')).rejects.toBeInstanceOf(APIConnectionError);
    expect(warnings.some((warning) => warning.includes('Cannot read the offline snapshot'))).toBe(true);
  });

  it('prefers the fallback to the snapshot, as documented', async () => {
    const prompt = await client({ snapshot }).getPrompt('welcome', { fallback: 'given by the caller' });
    expect(prompt.source).toBe('fallback');
  });

  it('throws a connection error when there is nothing to answer with', async () => {
    const error = await client().getPrompt('welcome').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ code: 'CONNECTION_ERROR', status: undefined });
    // A prompt the snapshot does not have is not invented either.
    await expect(client({ snapshot }).getPrompt('unknown-key')).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('refreshes from the engine once it is back', async () => {
    await engine.start();
    const fp = client({ snapshot, cacheTtlSeconds: 60 });
    await engine.stop();
    expect((await fp.getPrompt('welcome')).source).toBe('snapshot');
    await engine.start();
    await savePrompt(engine, { key: 'welcome', template: 'Welcome anew, {{name}}!', labels: ['production'] });
    // The snapshot answer is always stale: after the refresh backoff, the engine's version replaces it.
    await expect.poll(async () => (await fp.getPrompt('welcome')).version, { timeout: 10_000, interval: 250 }).toBe(3);
    expect((await fp.getPrompt('welcome')).source).toBe('server');
    await expect(fp.getPrompt('never-created')).rejects.toBeInstanceOf(NotFoundError);
  }, 60_000);
});
