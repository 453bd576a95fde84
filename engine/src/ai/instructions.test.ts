import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataProvider, WriteContext } from '../data/provider.js';
import type { Api, Credentials } from '../../test/access/http-client.js';
import { startAiWorld, type AiWorld } from '../../test/helpers/ai-world.js';
import { openAiWire, type FakeLlm } from '../../test/helpers/fake-llm.js';
import { aiTasks, defaultInstructions } from './instruction-defaults.js';
import { aiInstructions, seedDefaultInstructions, SYSTEM_INSTRUCTIONS_PROJECT } from './instructions.js';

/**
 * The AI tasks' instructions as prompts: the shipped defaults seeded into the built-in system project,
 * and an organization's own versions overriding them (real PostgreSQL, the dashboard routes).
 */
const system: WriteContext = { actor: { type: 'system' } };
const completions = 'POST /v1/chat/completions';

let world: AiWorld;
let provider: DataProvider;
let fake: FakeLlm;
let api: Api;
let owner: Credentials & { userId: string };
let orgId: string;

const instructionsPath = (org = orgId) => `/api/dashboard/orgs/${org}/ai/instructions`;
const customizePath = (task: string, org = orgId) => `${instructionsPath(org)}/${task}/customize`;

interface InstructionsEntry {
  task: string;
  name: string;
  active: { text: string; source: string; version: number };
  defaultInstructions: { version: number; text: string };
  override: { projectId: string; promptKey: string; productionVersion: number | null } | null;
  defaultChangedSinceOverride: boolean;
}

async function listed(): Promise<Map<string, InstructionsEntry>> {
  const response = await api.get<{ instructions: InstructionsEntry[] }>(instructionsPath(), { session: owner });
  expect(response.status).toBe(200);
  return new Map(response.body.instructions.map((entry) => [entry.task, entry]));
}

beforeAll(async () => {
  world = await startAiWorld();
  ({ provider, fake, owner, orgId } = world);
  api = world.withAi.api;
});
afterAll(() => world?.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe('seeding the defaults into the system project', () => {
  it('uses the shipped texts before the first seeding', async () => {
    expect(await provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT)).toBeNull();
    expect(await aiInstructions({ provider }, orgId, 'forprompt.judge')).toEqual({ text: defaultInstructions['forprompt.judge'], source: 'default', version: 1 });
  });

  it('creates one system project with a production prompt per task, even when engines seed at once', async () => {
    const reports = await Promise.all([seedDefaultInstructions({ provider }), seedDefaultInstructions({ provider }), seedDefaultInstructions({ provider })]);

    const found = await provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT);
    expect(found).not.toBeNull();
    expect(new Set(reports.map((report) => report.projectId))).toEqual(new Set([found!.projectId]));
    // Exactly one engine created each prompt; the others found nothing left to do.
    expect(reports.flatMap((report) => report.created).sort()).toEqual([...aiTasks].sort());
    for (const task of aiTasks) {
      const versions = await provider.prompts.listVersions(found!.projectId, task);
      expect(versions.map((version) => version.version), task).toEqual([1]);
      const production = await provider.prompts.resolve(found!.projectId, task, { label: 'production' });
      expect(production?.version.template).toBe(defaultInstructions[task]);
    }
    expect((await provider.audit.list(found!.organizationId, { action: 'instance.system_project_created' })).length).toBe(1);
  });

  it('writes nothing when every production version holds the shipped text', async () => {
    const { projectId } = (await provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT))!;
    const before = await provider.audit.list((await provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT))!.organizationId);

    expect(await seedDefaultInstructions({ provider })).toEqual({ projectId, created: [], updated: [] });
    expect(await provider.audit.list((await provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT))!.organizationId)).toHaveLength(before.length);
  });

  it('adds a version and moves production when the shipped text differs from what is deployed (an app update)', async () => {
    const { projectId } = (await provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT))!;
    // As if an older app had seeded an older text.
    await provider.prompts.createVersion(system, projectId, 'forprompt.report-batch', { template: 'An older default', variables: [], labels: ['production'] });
    expect(await aiInstructions({ provider }, orgId, 'forprompt.report-batch')).toEqual({ text: 'An older default', source: 'default', version: 2 });

    expect(await seedDefaultInstructions({ provider })).toEqual({ projectId, created: [], updated: ['forprompt.report-batch'] });

    expect(await aiInstructions({ provider }, orgId, 'forprompt.report-batch')).toEqual({ text: defaultInstructions['forprompt.report-batch'], source: 'default', version: 3 });
  });

  it('is out of reach of every person: its organization has no members and is listed to no one', async () => {
    const { organizationId, projectId } = (await provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT))!;
    expect(await provider.members.list(organizationId)).toEqual([]);
    const organizations = await api.get<{ organizations: Array<{ id: string }> }>('/api/dashboard/orgs', { session: owner });
    expect(organizations.body.organizations.map((organization) => organization.id)).not.toContain(organizationId);
    for (const path of [`/api/dashboard/orgs/${organizationId}/projects`, `/api/dashboard/orgs/${organizationId}/projects/${projectId}/prompts`, instructionsPath(organizationId)]) {
      const response = await api.get<{ error: { code: string } }>(path, { session: owner });
      expect(response.status, path).toBe(404);
      expect(response.body.error.code, path).toBe('organization_not_found');
    }
  });
});

describe("an organization's own instructions", () => {
  it('lists every task with the default in use, until the organization makes its own', async () => {
    const entries = await listed();
    expect([...entries.keys()]).toEqual([...aiTasks]);
    expect(entries.get('forprompt.analyze')).toMatchObject({
      name: 'Prompt analysis',
      active: { source: 'default', version: 1, text: defaultInstructions['forprompt.analyze'] },
      override: null,
      defaultChangedSinceOverride: false,
    });
    expect(entries.get('forprompt.report-batch')!.defaultInstructions.version).toBe(3);
  });

  it("customizing starts the organization's prompt from the default, in production, and the feature uses it once edited", async () => {
    const response = await api.post<{ projectId: string; promptKey: string }>(customizePath('forprompt.analyze'), {}, { session: owner });
    expect(response.status).toBe(201);
    const project = (await provider.projects.list(orgId)).find((candidate) => candidate.id === response.body.projectId);
    expect(project?.slug).toBe('forprompt');
    expect((await listed()).get('forprompt.analyze')).toMatchObject({ active: { source: 'organization', version: 1 }, override: { promptKey: 'forprompt.analyze', productionVersion: 1 } });

    await provider.prompts.createVersion(system, response.body.projectId, 'forprompt.analyze', { template: 'Review prompts for a hospital: be strict about safety.', variables: [], labels: ['production'] });
    fake.queue(completions, openAiWire.completion(JSON.stringify({ clarityScore: 7, overallAssessment: 'Fine.', improvements: [], edgeCases: [], optimizations: [] })));
    const { projectId } = world;
    await provider.prompts.create(system, projectId, { key: 'triage', name: 'triage' }, { template: 'You triage patients.', variables: [] });
    const analysis = await api.post<{ instructions: unknown }>(`/api/dashboard/orgs/${orgId}/projects/${projectId}/prompts/triage/versions/1/analyses`, {}, { session: owner });
    expect(analysis.status, JSON.stringify(analysis.body)).toBe(201);
    expect(analysis.body.instructions).toEqual({ source: 'organization', version: 2 });
    expect(fake.requestsTo(completions)[0]!.body.messages[0].content).toContain('be strict about safety');
  });

  it('refuses a second customization of the same task, and a task that does not exist', async () => {
    const again = await api.post<{ error: { code: string } }>(customizePath('forprompt.analyze'), {}, { session: owner });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('instructions_already_customized');
    const unknown = await api.post<{ error: { code: string; details: Array<{ path: string }> } }>(customizePath('forprompt.poem'), {}, { session: owner });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.error.details)).toContain('task');
  });

  it('a second task goes into the same forprompt project', async () => {
    const first = (await listed()).get('forprompt.analyze')!.override!.projectId;
    const response = await api.post<{ projectId: string }>(customizePath('forprompt.judge'), {}, { session: owner });
    expect(response.status).toBe(201);
    expect(response.body.projectId).toBe(first);
    expect((await provider.projects.list(orgId)).filter((project) => project.slug === 'forprompt')).toHaveLength(1);
  });

  it('says when the default changed after the organization made its own', async () => {
    const { projectId } = (await provider.instance.findSystemProject(SYSTEM_INSTRUCTIONS_PROJECT))!;
    await provider.prompts.createVersion(system, projectId, 'forprompt.judge', { template: 'A newer default judge', variables: [], labels: ['production'] });
    const entry = (await listed()).get('forprompt.judge')!;
    expect(entry.defaultChangedSinceOverride).toBe(true);
    expect(entry.active.source).toBe('organization');
    expect(entry.defaultInstructions).toMatchObject({ version: 2, text: 'A newer default judge' });
  });

  it('resetting deletes the organization prompt and the default applies again', async () => {
    const response = await api.delete(customizePath('forprompt.analyze'), { session: owner });
    expect(response.status).toBe(200);
    expect((await listed()).get('forprompt.analyze')).toMatchObject({ active: { source: 'default' }, override: null });
    expect((await aiInstructions({ provider }, orgId, 'forprompt.analyze')).source).toBe('default');
    const again = await api.delete<{ error: { code: string } }>(customizePath('forprompt.analyze'), { session: owner });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('instructions_not_customized');
  });

  it("another organization's customization does not change this one's", async () => {
    const other = await provider.orgs.create(system, { name: 'Other', ownerUserId: owner.userId });
    const response = await api.post(customizePath('forprompt.extract-metadata', other.id), {}, { session: owner });
    expect(response.status).toBe(201);
    expect((await listed()).get('forprompt.extract-metadata')!.override).toBeNull();
    expect((await aiInstructions({ provider }, orgId, 'forprompt.extract-metadata')).source).toBe('default');
    expect((await aiInstructions({ provider }, other.id, 'forprompt.extract-metadata')).source).toBe('organization');
  });
});
