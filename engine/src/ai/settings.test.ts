import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { MemberRole, WriteContext } from '../data/provider.js';
import { csrfTokenFor, SESSION_COOKIE, SESSION_IDLE_MS } from '../auth/session-cookie.js';
import { randomToken, sha256Hex } from '../lib/tokens.js';
import { errorOf, issuePaths, type Credentials } from '../../test/access/http-client.js';
import { testServices } from '../../test/helpers/app.js';
import { startAiWorld } from '../../test/helpers/ai-world.js';
import { anthropicWire, openAiWire } from '../../test/helpers/fake-llm.js';

/**
 * Choosing the AI provider and default model per organization (Settings › AI): what the status offers,
 * what every call then uses (asserted on the requests the local OpenAI- and Anthropic-wire server
 * received), the fallback when the choice is gone, validation, roles and isolation — over HTTP, on
 * real PostgreSQL. The engine has an instance OpenAI key; organizations bring an Anthropic key.
 */
const system: WriteContext = { actor: { type: 'system' } };
const messages = 'POST /v1/messages';
const completions = 'POST /v1/chat/completions';
const conversation = JSON.stringify({ responseType: 'conversation', message: 'Which part should change?' });

const world = await startAiWorld();
const { provider, fake, owner } = world;
const api = world.withAi.api;
const services = testServices(provider, world.aiConfig);
afterAll(() => world.close());
beforeEach(() => {
  fake.requests.length = 0;
});

fake.on(completions, (request) => (request.body.stream ? openAiWire.stream([{ content: conversation }]) : openAiWire.completion('ok', { model: request.body.model })));
fake.on(messages, (request) => (request.body.stream ? anthropicWire.stream({ text: [conversation] }, { model: request.body.model }) : anthropicWire.message('ok', { model: request.body.model })));
fake.on('GET /v1/models', anthropicWire.models(['claude-chosen', 'claude-other']));

const aiPath = (organizationId: string) => `/api/dashboard/orgs/${organizationId}/ai`;
const putSetting = (organizationId: string, body: unknown, session: Credentials = owner) => api.call('put', `${aiPath(organizationId)}/settings`, { session, body });

/** A fresh organization of the owner, with a project and (unless told otherwise) an Anthropic key sent to the local server. */
async function newOrganization(options: { anthropicKey?: boolean } = {}) {
  const organization = await provider.orgs.create(system, { name: `Org ${randomUUID().slice(0, 8)}`, ownerUserId: owner.userId });
  const project = await provider.projects.create(system, organization.id, { name: 'Bot' });
  let keyId: string | null = null;
  if (options.anthropicKey !== false) {
    const sealed = services.secretBox.seal('sk-ant-org-0123456789');
    keyId = (await provider.providerKeys.create(system, organization.id, { service: 'anthropic', name: 'Team Anthropic', encryptedKey: sealed, keyHint: 'sk-a…6789', baseUrl: fake.url })).id;
  }
  return { orgId: organization.id, projectId: project.id, keyId };
}

/** A signed-in user with `role` in the organization (through the provider: an invitation accepted, a session). */
async function signedIn(organizationId: string, role: MemberRole): Promise<Credentials & { userId: string }> {
  const user = await provider.users.create(system, { email: `${role}-${randomUUID()}@example.test`, passwordHash: null });
  const tokenHash = sha256Hex(randomToken());
  await provider.invitations.create(system, organizationId, { email: user.email, role, tokenHash, expiresAt: new Date(Date.now() + 86_400_000) });
  await provider.invitations.accept({}, tokenHash, { userId: user.id });
  return sessionOf(user.id);
}

async function sessionOf(userId: string): Promise<Credentials & { userId: string }> {
  const token = randomToken();
  await provider.sessions.create(system, { userId, tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + SESSION_IDLE_MS) });
  return { cookie: `${SESSION_COOKIE}=${token}`, csrfToken: csrfTokenFor(services, token), userId };
}

/** Runs an AI edit (its stream read to the end) and answers the model request it made. */
async function editThrough(organizationId: string, projectId: string, choice: { provider?: string; model?: string } = {}) {
  const response = await api.post(`/api/dashboard/orgs/${organizationId}/projects/${projectId}/ai/edit`, { instruction: 'Shorter', currentPrompt: 'Be polite.', ...choice }, { session: owner });
  expect(response.status, response.text).toBe(200);
  expect(response.text).toContain('"type":"reply"');
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0]!;
}

describe("an organization's AI setting", () => {
  it("offers the instance's provider and each of the organization's keys, and follows the instance until one is chosen", async () => {
    const { orgId } = await newOrganization();
    const status = await api.get(aiPath(orgId), { session: owner });
    expect(status.body).toEqual({
      enabled: true,
      provider: 'openai',
      source: 'instance',
      defaultModel: 'gpt-5.4-mini',
      setting: { provider: null, model: null },
      instanceDefault: 'openai',
      available: [
        { provider: 'openai', source: 'instance', defaultModel: 'gpt-5.4-mini' },
        { provider: 'anthropic', source: 'organization', defaultModel: 'claude-sonnet-5-5' },
      ],
    });
  });

  it('makes the chosen provider and model what the check, the model list and an AI edit use, and records the change in the audit log', async () => {
    const { orgId, projectId, keyId } = await newOrganization();
    const saved = await putSetting(orgId, { provider: 'anthropic', model: 'claude-chosen' });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ enabled: true, provider: 'anthropic', source: 'organization', defaultModel: 'claude-chosen', setting: { provider: 'anthropic', model: 'claude-chosen' } });

    const check = await api.post(`${aiPath(orgId)}/test`, {}, { session: owner });
    expect(check.body).toMatchObject({ ok: true, provider: 'anthropic', source: 'organization', model: 'claude-chosen', reply: 'ok' });
    const [checkRequest] = fake.requestsTo(messages);
    expect(checkRequest!.body.model).toBe('claude-chosen');
    // The organization's key (the installed SDK sends it as a bearer token).
    expect(String(checkRequest!.headers['x-api-key'] ?? checkRequest!.headers.authorization)).toContain('sk-ant-org-0123456789');

    const models = await api.get(`${aiPath(orgId)}/models`, { session: owner });
    expect(models.body).toMatchObject({ provider: 'anthropic', defaultModel: 'claude-chosen', modelsSource: 'provider' });

    fake.requests.length = 0;
    const editRequest = await editThrough(orgId, projectId);
    expect(editRequest.path).toBe('/v1/messages');
    expect(editRequest.body).toMatchObject({ model: 'claude-chosen', stream: true });
    expect((await provider.aiUsage.list(orgId))[0]).toMatchObject({ feature: 'edit', provider: 'anthropic', model: 'claude-chosen', providerKeyId: keyId });

    const [entry] = await provider.audit.list(orgId, { limit: 1 });
    expect(entry).toMatchObject({
      action: 'organization.ai_settings_changed',
      actorUserId: owner.userId,
      targetType: 'organization',
      targetId: orgId,
      summary: "AI provider: the instance's provider, its default model → anthropic, claude-chosen",
    });
  });

  it("lets an AI edit name another provider and model than the organization's", async () => {
    const { orgId, projectId } = await newOrganization();
    await putSetting(orgId, { provider: 'anthropic', model: 'claude-chosen' });
    const request = await editThrough(orgId, projectId, { provider: 'openai', model: 'gpt-5.4' });
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.body.model).toBe('gpt-5.4');
    expect(request.headers.authorization).toBe('Bearer sk-instance-0123456789');
    // Naming the organization's provider keeps its chosen model as the default.
    fake.requests.length = 0;
    expect((await editThrough(orgId, projectId, { provider: 'anthropic' })).body.model).toBe('claude-chosen');
  });

  it("uses a chosen provider's own default without a model, and a model alone applies to the instance's provider", async () => {
    const { orgId } = await newOrganization();
    expect((await putSetting(orgId, { provider: 'anthropic' })).body).toMatchObject({ provider: 'anthropic', defaultModel: 'claude-sonnet-5-5', setting: { provider: 'anthropic', model: null } });
    expect((await putSetting(orgId, { provider: null, model: 'gpt-5.4' })).body).toMatchObject({ provider: 'openai', source: 'instance', defaultModel: 'gpt-5.4', setting: { provider: null, model: 'gpt-5.4' } });
    await api.post(`${aiPath(orgId)}/test`, {}, { session: owner });
    expect(fake.requestsTo(completions)[0]!.body.model).toBe('gpt-5.4');
  });

  it("falls back to the instance's provider when the chosen one is gone, and the status says so", async () => {
    const { orgId, keyId } = await newOrganization();
    await putSetting(orgId, { provider: 'anthropic', model: 'claude-chosen' });
    expect((await api.delete(`/api/dashboard/orgs/${orgId}/provider-keys/${keyId}`, { session: owner })).status).toBe(200);

    const status = await api.get(aiPath(orgId), { session: owner });
    expect(status.body).toMatchObject({ enabled: true, provider: 'openai', source: 'instance', defaultModel: 'gpt-5.4-mini', setting: { provider: 'anthropic', model: 'claude-chosen' } });
    expect((status.body as { notice: string }).notice).toMatch(/anthropic was chosen .* no longer available.* uses openai instead/);
    await api.post(`${aiPath(orgId)}/test`, {}, { session: owner });
    expect(fake.requests.map((request) => [request.path, request.body.model])).toEqual([['/v1/chat/completions', 'gpt-5.4-mini']]);
  });

  it('refuses a provider the organization cannot use and malformed bodies with 400, naming the field', async () => {
    const { orgId, projectId } = await newOrganization({ anthropicKey: false });
    const unavailable = await putSetting(orgId, { provider: 'anthropic', model: 'claude-chosen' });
    expect(unavailable.status).toBe(400);
    expect(issuePaths(unavailable)).toEqual(['body.provider']);
    expect(errorOf(unavailable)?.message).toContain('anthropic is not available to this organization');
    for (const [body, field] of [
      [{ provider: 'gemini' }, 'body.provider'],
      [{ model: 'gpt-5.4' }, 'body.provider'],
      [{ provider: 'openai', model: ' ' }, 'body.model'],
      [{ provider: 'openai', model: 'x'.repeat(201) }, 'body.model'],
      [{ provider: 'openai', colour: 'blue' }, 'body.colour'],
    ] as const) {
      const response = await putSetting(orgId, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(issuePaths(response), JSON.stringify(body)).toEqual([field]);
    }
    const badEdit = await api.post(`/api/dashboard/orgs/${orgId}/projects/${projectId}/ai/edit`, { instruction: 'Shorter', currentPrompt: 'Be polite.', provider: 'gemini' }, { session: owner });
    expect(issuePaths(badEdit)).toEqual(['body.provider']);
    expect(await provider.aiSettings.get(orgId)).toEqual({ provider: null, model: null });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('who may see and change it', () => {
  it('members and viewers read it but cannot change it; admins can', async () => {
    const { orgId } = await newOrganization();
    for (const role of ['viewer', 'member'] as const) {
      const session = await signedIn(orgId, role);
      expect((await api.get(aiPath(orgId), { session })).status).toBe(200);
      const refused = await putSetting(orgId, { provider: 'anthropic' }, session);
      expect(refused.status, role).toBe(403);
      expect(errorOf(refused)?.code).toBe('insufficient_role');
    }
    expect(await provider.aiSettings.get(orgId)).toEqual({ provider: null, model: null });
    expect((await putSetting(orgId, { provider: 'anthropic' }, await signedIn(orgId, 'admin'))).status).toBe(200);
  });

  it("another organization's admin can neither read nor change it", async () => {
    const { orgId } = await newOrganization();
    await putSetting(orgId, { provider: 'anthropic', model: 'claude-chosen' });
    const outsider = await provider.users.create(system, { email: `outsider-${randomUUID()}@example.test`, passwordHash: null });
    await provider.orgs.create(system, { name: `Outsider ${randomUUID().slice(0, 8)}`, ownerUserId: outsider.id });
    const session = await sessionOf(outsider.id);

    const read = await api.get(aiPath(orgId), { session });
    expect(read.status).toBe(404);
    expect(read.text).not.toContain('claude-chosen');
    const write = await putSetting(orgId, { provider: 'openai', model: null }, session);
    expect(write.status).toBe(404);
    expect(await provider.aiSettings.get(orgId)).toEqual({ provider: 'anthropic', model: 'claude-chosen' });
  });

  it('goes with its organization', async () => {
    const { orgId } = await newOrganization();
    await putSetting(orgId, { provider: 'anthropic' });
    await provider.orgs.delete(system, orgId);
    expect(await provider.aiSettings.get(orgId)).toEqual({ provider: null, model: null });
  });
});
