import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider } from '../data/provider.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { projectWithApiKey, serveApp, silentLogger } from '../../test/helpers/app.js';

/** The public prompt API, called as an application calls it: with a project API key. */
describe('prompts through /api/v1', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  const keys: Record<'a' | 'b', string> = { a: '', b: '' };

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    server = await serveApp(provider);
    for (const name of ['a', 'b'] as const) keys[name] = (await projectWithApiKey(provider, name)).apiKey;
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.drop();
  });

  const call = (path: string, init: RequestInit & { key?: 'a' | 'b' } = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { 'x-api-key': keys[init.key ?? 'a'], 'content-type': 'application/json', ...init.headers } });
  const save = (body: unknown, headers: Record<string, string> = {}) => call('/api/v1/prompts', { method: 'POST', body: JSON.stringify(body), headers });

  it('creates a prompt with version 1, extracts its variables, and serves production', async () => {
    const created = await save({ key: 'support.reply', name: 'Support reply', template: 'Hi {{customer}}, about {{ topic }}…', labels: ['production'], config: { model: 'gpt-4o-mini', temperature: 0.2 } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ created: true, version: { version: 1, variables: ['customer', 'topic'], labels: ['latest', 'production'] } });
    const served = await call('/api/v1/prompts/support.reply');
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ key: 'support.reply', type: 'text', version: 1, template: 'Hi {{customer}}, about {{ topic }}…', config: { model: 'gpt-4o-mini', temperature: 0.2 }, tools: [] });
  });

  it('adds versions on later saves, serves a version or label on request, and answers 304 to a held ETag', async () => {
    await save({ key: 'support.reply', template: 'v2 {{customer}}', commitMessage: 'shorter' });
    const latest = await call('/api/v1/prompts/support.reply?label=latest');
    expect(await latest.json()).toMatchObject({ version: 2, commitMessage: 'shorter' });
    expect(await (await call('/api/v1/prompts/support.reply?version=1')).json()).toMatchObject({ version: 1 });
    const production = await call('/api/v1/prompts/support.reply');
    const etag = production.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await call('/api/v1/prompts/support.reply', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    // Deploying v2 changes what production serves, and its ETag.
    const moved = await call('/api/v1/prompts/support.reply/labels', { method: 'PATCH', body: JSON.stringify({ labels: { production: 2 } }) });
    expect(await moved.json()).toMatchObject({ labels: { production: 2, latest: 2 } });
    const redeployed = await call('/api/v1/prompts/support.reply', { headers: { 'if-none-match': etag } });
    expect(redeployed.status).toBe(200);
    expect(await redeployed.json()).toMatchObject({ version: 2 });
  });

  it('answers the same from the fast lane as from the full route: body, ETag and security headers', async () => {
    const fast = await call('/api/v1/prompts/support.reply?label=production');
    // An extra query parameter is not the fast lane's: the full Express route answers.
    const full = await call('/api/v1/prompts/support.reply?label=production&trace=1');
    expect(full.status).toBe(200);
    expect(await fast.text()).toBe(await full.text());
    expect(fast.headers.get('etag')).toBe(full.headers.get('etag'));
    for (const header of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy', 'cache-control', 'content-type']) {
      expect(fast.headers.get(header), header).toBe(full.headers.get(header));
    }
    expect(fast.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers 404 with a code for an unknown prompt, label or version, and 409 for a label moved to a missing version', async () => {
    expect(await (await call('/api/v1/prompts/nope')).json()).toMatchObject({ error: { code: 'prompt_not_found' } });
    expect(await (await call('/api/v1/prompts/support.reply?label=staging')).json()).toMatchObject({ error: { code: 'label_not_found' } });
    expect(await (await call('/api/v1/prompts/support.reply?version=99')).json()).toMatchObject({ error: { code: 'version_not_found' } });
    const moved = await call('/api/v1/prompts/support.reply/labels', { method: 'PATCH', body: JSON.stringify({ labels: { production: 99 } }) });
    expect(moved.status).toBe(409);
  });

  it('refuses a malformed template with the position, and unknown fields by name', async () => {
    const malformed = await save({ key: 'broken', template: 'Hello {{name' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'template_syntax', details: { issues: [{ path: 'body.template', message: 'Unclosed "{{" at line 1, column 7' }] } } });
    const unknown = await save({ key: 'x', template: 'ok', colour: 'red' });
    expect(await unknown.json()).toMatchObject({ error: { details: { issues: [{ path: 'body.colour' }] } } });
  });

  it('makes a retried save with the same Idempotency-Key return the first response, not a second version', async () => {
    const body = { key: 'idem', template: 'once' };
    const first = await save(body, { 'idempotency-key': 'retry-1' });
    const retry = await save(body, { 'idempotency-key': 'retry-1' });
    expect(retry.status).toBe(first.status);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(await first.json());
    const second = await save({ key: 'idem', template: 'twice' }, { 'idempotency-key': 'retry-1' });
    expect(await second.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    expect(await (await call('/api/v1/prompts/idem?label=latest')).json()).toMatchObject({ version: 1 });
  });

  it('lists prompts with a cursor, and snapshots every labelled version with an ETag', async () => {
    await save({ key: 'chat.agent', messages: [{ role: 'system', content: 'You help {{user}}' }], labels: ['production'] });
    const page = (await (await call('/api/v1/prompts?limit=2')).json()) as { prompts: Array<{ key: string }>; nextCursor: string };
    expect(page.prompts.map((prompt) => prompt.key)).toEqual(['chat.agent', 'idem']);
    const next = (await (await call(`/api/v1/prompts?limit=2&cursor=${page.nextCursor}`)).json()) as { prompts: Array<{ key: string }> };
    expect(next.prompts.map((prompt) => prompt.key)).toEqual(['support.reply']);
    const snapshot = await call('/api/v1/snapshot');
    const document = (await snapshot.json()) as { prompts: Array<{ key: string; version: number; labels: string[]; variables: string[] }> };
    expect(document.prompts.find((prompt) => prompt.key === 'chat.agent')).toMatchObject({ version: 1, variables: ['user'], labels: ['latest', 'production'] });
    expect((await call('/api/v1/snapshot', { headers: { 'if-none-match': snapshot.headers.get('etag')! } })).status).toBe(304);
  });

  it("never shows one project's prompts to another project's key", async () => {
    expect((await call('/api/v1/prompts/support.reply', { key: 'b' })).status).toBe(404);
    expect(((await (await call('/api/v1/prompts', { key: 'b' })).json()) as { prompts: unknown[] }).prompts).toEqual([]);
    const moved = await call('/api/v1/prompts/support.reply/labels', { key: 'b', method: 'PATCH', body: JSON.stringify({ labels: { production: 1 } }) });
    expect(moved.status).toBe(404);
  });

  it('serves a deploy to the very next request (read-your-writes through the cache)', async () => {
    await save({ key: 'ryw', template: 'one', labels: ['production'] });
    await save({ key: 'ryw', template: 'two' });
    for (let round = 0; round < 20; round++) {
      const target = (round % 2) + 1;
      expect((await call('/api/v1/prompts/ryw/labels', { method: 'PATCH', body: JSON.stringify({ labels: { production: target } }) })).status).toBe(200);
      expect(((await (await call('/api/v1/prompts/ryw')).json()) as { version: number }).version).toBe(target);
    }
  });

  it('refuses, and changes nothing, when a save cannot be done as asked', async () => {
    await save({ key: 'strict', name: 'Strict', template: 'one' });
    const refused = await save({ key: 'strict', name: 'Renamed', labels: ['staging'] });
    expect(refused.status).toBe(400);
    expect(await (await call('/api/v1/prompts?limit=200')).json()).toMatchObject({ prompts: expect.arrayContaining([expect.objectContaining({ key: 'strict', name: 'Strict' })]) });
    expect((await save({ key: 'mixed', type: 'text', messages: [{ role: 'system', content: 'x' }] })).status).toBe(400);
    expect((await save({ key: 'strict', messages: [{ role: 'system', content: 'x' }] })).status).toBe(400);
    const nul = await save({ key: 'nul', template: 'x', config: { stop: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(await nul.json()).toMatchObject({ error: { details: { issues: [{ path: 'body.config' }] } } });
  });

  it('turns simultaneous first saves of one key into consecutive versions', async () => {
    const results = await Promise.all([1, 2, 3].map((n) => save({ key: 'race', template: `take ${n}` })));
    expect(results.map((response) => response.status)).toEqual([201, 201, 201]);
    const versions = await Promise.all(results.map(async (response) => ((await response.json()) as { version: { version: number } }).version.version));
    expect(versions.sort()).toEqual([1, 2, 3]);
  });
});
