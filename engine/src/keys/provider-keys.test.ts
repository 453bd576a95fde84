import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider } from '../data/provider.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { serveApp, silentLogger, testEncryptionKey } from '../../test/helpers/app.js';
import { SecretBox } from '../lib/secret-box.js';
import { csvField } from '../audit/routes.js';

describe('provider keys and the audit export', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let owner: { cookie: string; csrf: string; orgId: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    server = await serveApp(provider);
    const response = await fetch(`${server.url}/api/dashboard/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'a long enough password', organizationName: 'Acme', projectName: 'Bot' }),
    });
    const state = (await response.json()) as { csrfToken: string; organizations: Array<{ id: string }> };
    owner = { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: state.csrfToken, orgId: state.organizations[0]!.id };
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.drop();
  });

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json', ...init.headers } });

  it('stores a provider key encrypted and only ever shows it masked', async () => {
    const secret = 'sk-or-v1-0123456789abcdef0123456789abcdef';
    const created = await call(`/api/dashboard/orgs/${owner.orgId}/provider-keys`, { method: 'POST', body: JSON.stringify({ service: 'openrouter', name: 'Team key', apiKey: secret }) });
    expect(created.status).toBe(201);
    const body = await created.text();
    expect(body).not.toContain(secret);
    expect(JSON.parse(body)).toMatchObject({ service: 'openrouter', keyHint: 'sk-o…cdef' });
    const listed = await (await call(`/api/dashboard/orgs/${owner.orgId}/provider-keys`)).text();
    expect(listed).not.toContain(secret);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<Record<string, unknown>>('select * from organization_api_keys');
    await client.end();
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(new SecretBox(testEncryptionKey).open(String(rows[0]!.encrypted_key))).toBe(secret);
    const duplicate = await call(`/api/dashboard/orgs/${owner.orgId}/provider-keys`, { method: 'POST', body: JSON.stringify({ service: 'openai', name: 'Team key', apiKey: 'sk-another-key-123' }) });
    expect(duplicate.status).toBe(409);
  });

  it('refuses a custom provider key without the base URL of its server', async () => {
    const path = `/api/dashboard/orgs/${owner.orgId}/provider-keys`;
    const refused = await call(path, { method: 'POST', body: JSON.stringify({ service: 'custom', name: 'Local vLLM', apiKey: 'sk-local-0123456789' }) });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { details: { issues: [{ path: 'body.baseUrl' }] } } });
    const accepted = await call(path, { method: 'POST', body: JSON.stringify({ service: 'custom', name: 'Local vLLM', apiKey: 'sk-local-0123456789', baseUrl: 'http://llm.internal:8000/v1' }) });
    expect(accepted.status).toBe(201);
  });

  it('exports the filtered audit log as CSV, neutralising spreadsheet formulas', async () => {
    await call(`/api/dashboard/orgs/${owner.orgId}/projects`, { method: 'POST', body: JSON.stringify({ name: '=HYPERLINK("http://evil")' }) });
    const response = await call(`/api/dashboard/orgs/${owner.orgId}/audit.csv?action=project.created`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toBe('createdAt,action,actorType,actorUserId,actorApiKeyId,actorApiKey,targetType,targetId,projectId,summary,ip,userAgent');
    expect(lines).toHaveLength(2); // the set-up's default project is recorded as part of instance.setup
    expect(lines[1]).toContain('"project.created"');
    expect(lines[1]).toContain('""=HYPERLINK(""http://evil"")""');
    expect(csvField('=cmd|calc')).toBe(`"'=cmd|calc"`);
    expect(csvField('-1+1')).toBe(`"'-1+1"`);
    expect(csvField(null)).toBe('""');
  });

  it('pages through the audit log with a cursor', async () => {
    const first = (await (await call(`/api/dashboard/orgs/${owner.orgId}/audit?limit=2`)).json()) as { entries: Array<{ id: string }>; nextCursor: string };
    expect(first.entries).toHaveLength(2);
    const second = (await (await call(`/api/dashboard/orgs/${owner.orgId}/audit?limit=2&cursor=${first.nextCursor}`)).json()) as { entries: Array<{ id: string }> };
    expect(second.entries.length).toBeGreaterThan(0);
    expect(second.entries.map((entry) => entry.id)).not.toContain(first.entries[0]!.id);
    const bad = await call(`/api/dashboard/orgs/${owner.orgId}/audit?cursor=garbage`);
    expect(bad.status).toBe(400);
  });
});
