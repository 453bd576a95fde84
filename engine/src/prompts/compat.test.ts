import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider, WriteContext } from '../data/provider.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { serveApp, silentLogger } from '../../test/helpers/app.js';
import { apiKeyPrefix, generateApiKey, sha256Hex } from '../lib/tokens.js';

/** The original ForPrompt REST API, as the original SDK and CLI call it. */
describe('the original ForPrompt API', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let apiKey: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    server = await serveApp(provider);
    const system: WriteContext = { actor: { type: 'system' } };
    const user = await provider.users.create(system, { email: 'compat@example.com' });
    const organization = await provider.orgs.create(system, { name: 'Compat Org', ownerUserId: user.id });
    const project = await provider.projects.create(system, organization.id, { name: 'Compat Project' });
    apiKey = generateApiKey();
    await provider.apiKeys.create(system, organization.id, project.id, { name: 'sdk', keyHash: sha256Hex(apiKey), keyPrefix: apiKeyPrefix(apiKey), expiresAt: null });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.drop();
  });

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, { method, headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });

  it('creates a prompt whose systemPrompt becomes the deployed version 1, and serves it in the original shape', async () => {
    const created = await call('POST', '/api/prompts', { key: 'greeting', name: 'Greeting', systemPrompt: 'You greet {{name}}.', legacyField: 'ignored' });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ success: true, promptId: expect.any(String), key: 'greeting', versionId: expect.any(String), versionNumber: 1 });
    const fetched = await call('GET', '/api/prompts?key=greeting');
    expect(await fetched.json()).toEqual({ key: 'greeting', name: 'Greeting', versionNumber: 1, systemPrompt: 'You greet {{name}}.', updatedAt: expect.any(Number) });
    expect(fetched.headers.get('x-ratelimit-limit')).toBe('200');
    expect((await call('POST', '/api/prompts', { key: 'greeting', name: 'Again' })).status).toBe(409);
  });

  it('adds versions, deploying them unless setAsActive is false, and honours ?version=', async () => {
    expect(await (await call('POST', '/api/prompts/versions', { key: 'greeting', systemPrompt: 'Draft', setAsActive: false })).json()).toMatchObject({ success: true, versionNumber: 2 });
    expect(await (await call('GET', '/api/prompts?key=greeting')).json()).toMatchObject({ versionNumber: 1 });
    expect(await (await call('GET', '/api/prompts?key=greeting&version=2')).json()).toMatchObject({ versionNumber: 2, systemPrompt: 'Draft' });
    await call('POST', '/api/prompts/versions', { key: 'greeting', systemPrompt: 'Live', description: 'ship it' });
    expect(await (await call('GET', '/api/prompts?key=greeting')).json()).toMatchObject({ versionNumber: 3, systemPrompt: 'Live' });
  });

  it('updates metadata, syncs, deploys for the CLI and validates the key', async () => {
    expect(await (await call('PUT', '/api/prompts', { key: 'greeting', purpose: 'Welcome users', constraints: 'Be brief' })).json()).toMatchObject({ success: true });
    await call('POST', '/api/prompts', { key: 'undeployed', name: 'Not yet' });
    const sync = (await (await call('GET', '/api/sync')).json()) as { prompts: Array<Record<string, unknown>> };
    expect(sync.prompts).toEqual([
      expect.objectContaining({ key: 'greeting', versionNumber: 3, systemPrompt: 'Live', purpose: 'Welcome users', constraints: 'Be brief' }),
      expect.objectContaining({ key: 'undeployed', versionNumber: 0, systemPrompt: '' }),
    ]);
    const deploy = (await (await call('GET', '/api/cli/deploy')).json()) as { project: { slug: string }; prompts: Array<{ key: string; activeVersion: { versionNumber: number } | null; versions: Array<{ versionNumber: number }> }> };
    expect(deploy.project.slug).toBe('compat-project');
    expect(deploy.prompts[0]).toMatchObject({ key: 'greeting', activeVersion: { versionNumber: 3 }, tools: [] });
    expect(deploy.prompts[0]!.versions.map((version) => version.versionNumber)).toEqual([3, 2, 1]);
    expect(await (await call('GET', '/api/cli/validate')).json()).toEqual({
      valid: true,
      project: { projectId: expect.any(String), projectName: 'Compat Project', projectSlug: 'compat-project', orgId: expect.any(String), orgName: 'Compat Org' },
    });
  });

  it("keeps the original's error shape, and deletes", async () => {
    const missing = await call('GET', '/api/prompts?key=nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: expect.stringContaining('nope'), code: 'prompt_not_found' });
    expect(await (await call('GET', '/api/prompts?key=undeployed')).json()).toMatchObject({ code: 'prompt_not_found' });
    const unauthenticated = await fetch(`${server.url}/api/prompts?key=greeting`);
    expect(await unauthenticated.json()).toMatchObject({ code: 'api_key_required', error: expect.any(String) });
    expect(await (await call('DELETE', '/api/prompts?key=undeployed')).json()).toEqual({ success: true });
    expect((await call('GET', '/api/prompts?key=undeployed&version=1')).status).toBe(404);
  });

  it('limits prompt fetches per key with the original 429 body and headers', async () => {
    let limited: Response | undefined;
    for (let attempt = 0; attempt < 220 && !limited; attempt++) {
      const response = await call('GET', '/api/prompts?key=greeting');
      if (response.status === 429) limited = response;
      else await response.body?.cancel();
    }
    expect(limited).toBeDefined();
    expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await limited!.json()).toEqual({ error: expect.stringContaining('Rate limit'), code: 'rate_limited', retryAfter: expect.any(Number), message: expect.any(String) });
  });
});
