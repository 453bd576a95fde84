import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataProvider, WriteContext } from '../data/provider.js';
import { Api, type Credentials } from '../../test/access/http-client.js';
import { testServices } from '../../test/helpers/app.js';
import { startAiWorld, type AiWorld } from '../../test/helpers/ai-world.js';
import { openAiWire, type FakeLlm } from '../../test/helpers/fake-llm.js';

/**
 * The AI service end to end: provider choice (instance or the organization's own key), the disabled
 * state, the per-organization limit, and usage rows — through the HTTP routes, against a local server
 * speaking OpenAI's protocol, on real PostgreSQL.
 */
const system: WriteContext = { actor: { type: 'system' } };

let world: AiWorld;
let provider: DataProvider;
let fake: FakeLlm;
/** Two engines: no AI at all, and an instance OpenAI key (sk-instance-…) limited to 3 AI requests a minute. */
let withoutAi: Api;
let withOpenAi: Api;
let owner: Credentials & { userId: string };
let orgId: string;

async function newOrganization(name: string): Promise<string> {
  return (await provider.orgs.create(system, { name, ownerUserId: owner.userId })).id;
}

async function addOpenAiKey(organizationId: string, apiKey: string): Promise<string> {
  const sealed = testServices(provider).secretBox.seal(apiKey);
  const key = await provider.providerKeys.create(system, organizationId, { service: 'openai', name: `key ${apiKey}`, encryptedKey: sealed, keyHint: 'sk-…', baseUrl: null });
  return key.id;
}

beforeAll(async () => {
  world = await startAiWorld({ withAi: { AI_RATE_LIMIT_PER_MINUTE: '3' } });
  ({ provider, fake, owner, orgId } = world);
  withoutAi = world.withoutAi.api;
  withOpenAi = world.withAi.api;
  fake.on('POST /v1/chat/completions', openAiWire.completion('ok', { model: 'gpt-5.4-mini', usage: [14, 1] }));
  fake.on('GET /v1/models', openAiWire.models(['gpt-5.4-mini', 'gpt-5.4']));
});
afterAll(() => world?.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe('without any provider', () => {
  it('/api/config says AI is off', async () => {
    const response = await withoutAi.get<{ ai: unknown }>('/api/config');
    expect(response.body.ai).toEqual({ enabled: false, provider: null, defaultModel: null });
  });

  it("the organization's AI status says how to enable it", async () => {
    const response = await withoutAi.get(`/api/dashboard/orgs/${orgId}/ai`, { session: owner });
    expect(response.body).toMatchObject({ enabled: false, provider: null, hint: expect.stringContaining('AI_PROVIDER'), available: [] });
  });

  it('AI endpoints answer 409 ai_disabled with a hint, and call no provider', async () => {
    for (const response of [
      await withoutAi.get(`/api/dashboard/orgs/${orgId}/ai/models`, { session: owner }),
      await withoutAi.post(`/api/dashboard/orgs/${orgId}/ai/test`, {}, { session: owner }),
    ]) {
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ error: { code: 'ai_disabled', message: expect.any(String), details: { hint: expect.stringContaining('Provider keys') } } });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("an organization that brings its own key has AI, through that key", async () => {
    const byo = await newOrganization('Bring your own');
    const keyId = await addOpenAiKey(byo, 'sk-org-byo-0123456789');
    const status = await withoutAi.get(`/api/dashboard/orgs/${byo}/ai`, { session: owner });
    expect(status.body).toEqual({
      enabled: true,
      provider: 'openai',
      source: 'organization',
      defaultModel: 'gpt-5.4-mini',
      setting: { provider: null, model: null },
      instanceDefault: 'openai',
      available: [{ provider: 'openai', source: 'organization', defaultModel: 'gpt-5.4-mini' }],
    });
    const check = await withoutAi.post(`/api/dashboard/orgs/${byo}/ai/test`, {}, { session: owner });
    expect(check.body).toMatchObject({ ok: true, provider: 'openai', source: 'organization', reply: 'ok', usage: { inputTokens: 14, outputTokens: 1 } });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-org-byo-0123456789');
    const [call] = await provider.aiUsage.list(byo);
    expect(call).toMatchObject({ providerKeyId: keyId, feature: 'provider-check', status: 'ok' });
  });
});

describe('with an instance provider', () => {
  it('/api/config reports the provider and its default model, never a key', async () => {
    const response = await withOpenAi.get<{ ai: unknown }>('/api/config');
    expect(response.body.ai).toEqual({ enabled: true, provider: 'openai', defaultModel: 'gpt-5.4-mini' });
    expect(response.text).not.toContain('sk-instance');
  });

  it("lists the provider's models for the organization", async () => {
    const response = await withOpenAi.get(`/api/dashboard/orgs/${orgId}/ai/models`, { session: owner });
    expect(response.body).toEqual({ provider: 'openai', source: 'instance', defaultModel: 'gpt-5.4-mini', models: [{ id: 'gpt-5.4' }, { id: 'gpt-5.4-mini' }], modelsSource: 'provider' });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-instance-0123456789');
  });

  it('checks the provider with a tiny chat and records the call: tokens, latency, user, and the organization counter', async () => {
    const organization = await newOrganization('Checked');
    const response = await withOpenAi.post(`/api/dashboard/orgs/${organization}/ai/test`, { model: 'gpt-5.4' }, { session: owner });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ok: true, provider: 'openai', source: 'instance', model: 'gpt-5.4-mini', reply: 'ok' });
    expect(fake.requests[0]!.body).toMatchObject({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'Reply with the single word: ok' }] });
    const [call] = await provider.aiUsage.list(organization);
    expect(call).toMatchObject({ organizationId: organization, userId: owner.userId, projectId: null, feature: 'provider-check', provider: 'openai', model: 'gpt-5.4-mini', providerKeyId: null, inputTokens: 14, outputTokens: 1, status: 'ok', errorCode: null });
    expect(call!.latencyMs).toBeGreaterThanOrEqual(0);
    expect((await provider.aiUsage.counters(organization)).aiTokens).toBe(15);
  });

  it("uses the organization's own key for the instance's provider instead of the instance key — the newest of several", async () => {
    const organization = await newOrganization('Own key');
    await addOpenAiKey(organization, 'sk-org-older-0123456789');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newest = await addOpenAiKey(organization, 'sk-org-newest-0123456789');
    const response = await withOpenAi.post(`/api/dashboard/orgs/${organization}/ai/test`, {}, { session: owner });
    expect(response.body).toMatchObject({ ok: true, source: 'organization' });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-org-newest-0123456789');
    expect((await provider.aiUsage.list(organization))[0]!.providerKeyId).toBe(newest);
  });

  it('reports a provider that refuses the key as a failed check, recorded with its error code', async () => {
    const organization = await newOrganization('Refused');
    fake.queue('POST /v1/chat/completions', openAiWire.error(401, 'Incorrect API key provided'));
    const response = await withOpenAi.post(`/api/dashboard/orgs/${organization}/ai/test`, {}, { session: owner });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ ok: false, error: { code: 'ai_provider_auth_failed', details: { provider: 'openai', status: 401 } } });
    expect(response.text).not.toContain('sk-instance');
    const [call] = await provider.aiUsage.list(organization);
    expect(call).toMatchObject({ status: 'error', errorCode: 'ai_provider_auth_failed', inputTokens: 0, outputTokens: 0 });
    expect((await provider.aiUsage.counters(organization)).aiTokens).toBe(0);
  });

  it('refuses a provider the organization has not configured', async () => {
    const response = await withOpenAi.post(`/api/dashboard/orgs/${orgId}/ai/test`, { provider: 'anthropic' }, { session: owner });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ error: { code: 'ai_disabled', message: 'anthropic is not configured for this organization' } });
  });

  it('limits AI requests per organization (AI_RATE_LIMIT_PER_MINUTE), with Retry-After', async () => {
    const organization = await newOrganization('Busy');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) statuses.push((await withOpenAi.post(`/api/dashboard/orgs/${organization}/ai/test`, {}, { session: owner })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await withOpenAi.get(`/api/dashboard/orgs/${organization}/ai/models`, { session: owner });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another organization has its own budget.
    expect((await withOpenAi.post(`/api/dashboard/orgs/${await newOrganization('Quiet')}/ai/test`, {}, { session: owner })).status).toBe(200);
  });
});

describe('sessions for features', () => {
  it('record a streamed call with its usage, and a stream left before its end as cancelled', async () => {
    const services = testServices(provider, world.aiConfig);
    const organization = await newOrganization('Streaming');
    const [project] = await provider.projects.list(orgId);
    fake.queue('POST /v1/chat/completions', openAiWire.stream([{ content: 'a' }, { content: 'b' }], { usage: [5, 2] }), openAiWire.stream([{ content: 'a' }, { content: 'b' }], { usage: [5, 2] }));
    const session = await services.ai.forJob({ organizationId: organization, projectId: project!.id, feature: 'edit' });
    for await (const event of session.provider.chatStream({ messages: [{ role: 'user', content: 'go' }] })) void event;
    for await (const event of session.provider.chatStream({ messages: [{ role: 'user', content: 'go' }] })) if (event.type === 'content') break;
    const calls = await provider.aiUsage.list(organization);
    expect(calls.map((call) => [call.status, call.inputTokens + call.outputTokens, call.feature, call.projectId])).toEqual([
      ['cancelled', 0, 'edit', project!.id],
      ['ok', 7, 'edit', project!.id],
    ]);
  });
});
