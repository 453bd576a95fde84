import { afterAll, describe, expect, it } from 'vitest';
import { expectError, expectStatus, startWorld } from '../access/fixtures.js';

const world = await startWorld();
afterAll(() => world.close());

interface Bundle {
  format: string;
  prompts: Array<{ key: string; name: string; purpose: string | null; versions: Array<{ version: number; template: string | null; messages: unknown }>; labels: Record<string, number> }>;
}
interface Report {
  dryRun: boolean;
  results: Array<{ key: string; status: string; versionsAdded: number; labelsMoved: Array<{ label: string; from: number | null; to: number }>; conflict: string | null; metadataDiffers: string[] }>;
  summary: Record<string, number>;
}

/** Promoting prompts between projects (or installs) with bundles, and copying one prompt. */
describe('prompt bundles and duplication', () => {
  const { a, api } = world;
  const { owner, admin, member, viewer } = a.users;
  let staging = '';
  let production = '';
  const base = (projectId: string) => `/api/dashboard/orgs/${a.orgId}/projects/${projectId}`;

  it('exports every version and label of a project, as a download', async () => {
    for (const name of ['Staging', 'Production']) {
      const created = await api.post<{ id: string }>(`/api/dashboard/orgs/${a.orgId}/projects`, { name }, { session: owner });
      expectStatus(created, 201);
      if (name === 'Staging') staging = created.body.id;
      else production = created.body.id;
    }
    const prompts = `${base(staging)}/prompts`;
    expectStatus(await api.post(prompts, { key: 'greet', template: 'Hi {{name}}', labels: ['production'], purpose: 'Greets' }, { session: member }), 201);
    expectStatus(await api.post(`${prompts}/greet/versions`, { template: 'Hello {{name}}', labels: ['staging'] }, { session: member }), 201);
    expectStatus(await api.post(prompts, { key: 'chat', messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: '{{question}}' }] }, { session: member }), 201);

    const exported = await api.get<Bundle>(`${base(staging)}/prompt-bundle`, { session: viewer });
    expectStatus(exported, 200);
    expect(String(exported.headers['content-disposition'])).toMatch(/^attachment; filename="staging-prompts-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(exported.body.format).toBe('forprompt.prompts');
    expect(exported.body.prompts.map((prompt) => prompt.key)).toEqual(['chat', 'greet']);
    const greet = exported.body.prompts[1]!;
    expect(greet).toMatchObject({ purpose: 'Greets', labels: { production: 1, staging: 2 } });
    expect(greet.versions.map((version) => version.template)).toEqual(['Hi {{name}}', 'Hello {{name}}']);
    const some = await api.get<Bundle>(`${base(staging)}/prompt-bundle?keys=greet`, { session: viewer });
    expect(some.body.prompts.map((prompt) => prompt.key)).toEqual(['greet']);
  });

  it('previews an import (dry run), then imports it; importing again changes nothing', async () => {
    const bundle = (await api.get<Bundle>(`${base(staging)}/prompt-bundle`, { session: viewer })).body;
    expectError(await api.post(`${base(production)}/prompt-bundle`, { bundle }, { session: member }), 403, 'insufficient_role');

    const preview = await api.post<Report>(`${base(production)}/prompt-bundle`, { bundle, dryRun: true }, { session: admin });
    expectStatus(preview, 200);
    expect(preview.body.summary).toMatchObject({ created: 2, conflicts: 0 });
    expect((await api.get<{ prompts: unknown[] }>(`${base(production)}/prompts`, { session: viewer })).body.prompts).toEqual([]);

    const imported = await api.post<Report>(`${base(production)}/prompt-bundle`, { bundle }, { session: admin });
    expectStatus(imported, 200);
    expect(imported.body.results.find((result) => result.key === 'greet')).toMatchObject({ status: 'created', versionsAdded: 2, labelsMoved: [{ label: 'production', from: null, to: 1 }, { label: 'staging', from: null, to: 2 }] });
    const served = await api.get<{ version: { template: string; variables: string[] } }>(`${base(production)}/prompts/greet/versions/1`, { session: viewer });
    expect(served.body.version).toMatchObject({ template: 'Hi {{name}}', variables: ['name'] });

    const again = await api.post<Report>(`${base(production)}/prompt-bundle`, { bundle }, { session: admin });
    expect(again.body.summary).toMatchObject({ created: 0, updated: 0, unchanged: 2, conflicts: 0 });
    const audit = await api.get<{ entries: Array<{ action: string; summary: string }> }>(`/api/dashboard/orgs/${a.orgId}/audit?action=prompts.imported`, { session: admin });
    expect(audit.body.entries[0]?.summary).toMatch(/from "Staging": 2 created/);
  });

  it('appends new versions and moves labels on a later import, and reports diverged prompts without touching them', async () => {
    const prompts = `${base(staging)}/prompts`;
    expectStatus(await api.post(`${prompts}/greet/versions`, { template: 'Hey {{name}}' }, { session: member }), 201);
    expectStatus(await api.patch(`${prompts}/greet/labels`, { labels: { production: 3 } }, { session: member }), 200);
    expectStatus(await api.patch(`${prompts}/greet`, { purpose: 'Greets warmly' }, { session: member }), 200);
    // Production changed its copy of "chat" on its own.
    expectStatus(await api.post(`${base(production)}/prompts/chat/versions`, { messages: [{ role: 'user', content: 'local edit' }] }, { session: member }), 201);
    const bundle = (await api.get<Bundle>(`${base(staging)}/prompt-bundle`, { session: viewer })).body;
    expectStatus(await api.post(`${base(staging)}/prompts/chat/versions`, { messages: [{ role: 'user', content: 'staging edit' }] }, { session: member }), 201);
    const diverging = (await api.get<Bundle>(`${base(staging)}/prompt-bundle?keys=chat`, { session: viewer })).body;

    const report = await api.post<Report>(`${base(production)}/prompt-bundle`, { bundle: { ...bundle, prompts: [...bundle.prompts.filter((p) => p.key === 'greet'), ...diverging.prompts] } }, { session: admin });
    expectStatus(report, 200);
    expect(report.body.results.find((result) => result.key === 'greet')).toMatchObject({
      status: 'updated',
      versionsAdded: 1,
      labelsMoved: [{ label: 'production', from: 1, to: 3 }],
      metadataDiffers: ['purpose'],
    });
    const chat = report.body.results.find((result) => result.key === 'chat')!;
    expect(chat.status).toBe('conflict');
    expect(chat.conflict).toMatch(/version 2 here differs/);
    const greet = await api.get<{ prompt: { purpose: string; labels: Record<string, number> } }>(`${base(production)}/prompts/greet`, { session: viewer });
    // Metadata is reported, not overwritten.
    expect(greet.body.prompt).toMatchObject({ purpose: 'Greets', labels: { production: 3, staging: 2, latest: 3 } });
    expect((await api.get<{ versions: unknown[] }>(`${base(production)}/prompts/chat`, { session: viewer })).body.versions).toHaveLength(2);

    const merged = await api.post<Report>(`${base(production)}/prompt-bundle`, { bundle: diverging, onConflict: 'append' }, { session: admin });
    expect(merged.body.results[0]).toMatchObject({ key: 'chat', status: 'merged', versionsAdded: 1 });
    const versions = (await api.get<{ versions: Array<{ version: number; messages: Array<{ content: string }> }> }>(`${base(production)}/prompts/chat`, { session: viewer })).body.versions;
    expect(versions.map((version) => [version.version, version.messages.at(-1)?.content])).toEqual([[3, 'staging edit'], [2, 'local edit'], [1, '{{question}}']]);
  });

  it('refuses a malformed bundle naming the field, and imports nothing of it', async () => {
    const bundle = (await api.get<Bundle>(`${base(staging)}/prompt-bundle?keys=greet`, { session: viewer })).body;
    const broken = { ...bundle, prompts: [{ ...bundle.prompts[0]!, key: 'broken', labels: {}, versions: [{ ...bundle.prompts[0]!.versions[0]!, template: 'Hi {{name' }] }] };
    const refused = await api.post<{ error: { code: string; details: { issues: Array<{ path: string }> } } }>(`${base(production)}/prompt-bundle`, { bundle: broken }, { session: admin });
    expectError(refused, 400, 'template_syntax');
    expect(JSON.stringify(refused.body)).toContain('body.bundle.prompts.0.versions.0.template');
    const dangling = { ...bundle, prompts: [{ ...bundle.prompts[0]!, key: 'dangling', labels: { production: 42 } }] };
    const invalid = await api.post(`${base(production)}/prompt-bundle`, { bundle: dangling }, { session: admin });
    expectError(invalid, 400, 'validation_error');
    expect(JSON.stringify(invalid.body)).toContain('body.bundle.prompts.0.labels.production');
    expectError(await api.get(`${base(production)}/prompts/broken`, { session: viewer }), 404, 'prompt_not_found');
  });

  it('duplicates a prompt with all its versions into another project or under a new key, without labels', async () => {
    const copied = await api.post<{ key: string; labels: Record<string, number>; latestVersion: number }>(
      `${base(staging)}/prompts/greet/duplicate`,
      { targetProjectId: a.projectId, key: 'greet-copy' },
      { session: member },
    );
    expectStatus(copied, 201);
    expect(copied.body).toMatchObject({ key: 'greet-copy', latestVersion: 3, labels: { latest: 3 } });
    expectError(await api.post(`${base(staging)}/prompts/greet/duplicate`, { targetProjectId: a.projectId, key: 'greet-copy' }, { session: member }), 409, 'prompt_key_taken');
    expectError(await api.post(`${base(staging)}/prompts/greet/duplicate`, {}, { session: member }), 409, 'prompt_key_taken');
    expectStatus(await api.post(`${base(staging)}/prompts/greet/duplicate`, { key: 'greet-2' }, { session: member }), 201);
    expectError(await api.post(`${base(staging)}/prompts/greet/duplicate`, { targetProjectId: world.b.projectId, key: 'stolen' }, { session: member }), 404, 'project_not_found');
    expectError(await api.post(`${base(staging)}/prompts/missing/duplicate`, { key: 'x' }, { session: member }), 404, 'prompt_not_found');
  });
});
