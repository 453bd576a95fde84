import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataProvider, WriteContext } from '../data/provider.js';
import { Api, type Credentials } from '../../test/access/http-client.js';
import { startAiWorld, type AiWorld } from '../../test/helpers/ai-world.js';
import { openAiWire, type FakeLlm } from '../../test/helpers/fake-llm.js';
import { defaultInstructions } from '../ai/instruction-defaults.js';
import { aiInstructions } from '../ai/instructions.js';

/**
 * Prompt analysis end to end: the dashboard routes, scripted replies from a local server speaking
 * OpenAI's protocol, real PostgreSQL.
 */
const system: WriteContext = { actor: { type: 'system' } };
const completions = 'POST /v1/chat/completions';
const goodAnalysis = {
  clarityScore: 8,
  overallAssessment: 'Clear and focused, but silent about refunds.',
  improvements: ['Say what to do when the order number is missing.'],
  edgeCases: ['A customer writing in another language.'],
  optimizations: ['Drop the repeated greeting rule.'],
  alignmentCheck: { purposeAlignment: { score: 9, feedback: 'Matches.' }, behaviorAlignment: { score: 7, feedback: 'Mostly.' }, constraintsAlignment: { score: 6, feedback: 'Partly.' } },
};

let world: AiWorld;
let provider: DataProvider;
let fake: FakeLlm;
let withAi: Api;
let withoutAi: Api;
let owner: Credentials & { userId: string };
let orgId: string;
let projectId: string;

const analysesOf = (key: string, version = 1, project = projectId, org = orgId) => `/api/dashboard/orgs/${org}/projects/${project}/prompts/${key}/versions/${version}/analyses`;

async function newPrompt(key: string, template: string, metadata: Record<string, string> = {}): Promise<void> {
  await provider.prompts.create(system, projectId, { key, name: key, ...metadata }, { template, variables: [] });
}

beforeAll(async () => {
  world = await startAiWorld();
  ({ provider, fake, owner, orgId, projectId } = world);
  withAi = world.withAi.api;
  withoutAi = world.withoutAi.api;
  await newPrompt('support', 'You answer customer questions about orders.', { purpose: 'Answer order questions', constraints: 'Never promise refunds' });
  await newPrompt('plain', 'You summarise text.');
});
afterAll(() => world?.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe('analysing a version', () => {
  it('stores the score, assessment and lists, counts an analysis run and puts it on record', async () => {
    fake.queue(completions, openAiWire.completion(JSON.stringify(goodAnalysis), { model: 'gpt-5.4-mini' }));
    const runsBefore = (await provider.aiUsage.counters(orgId)).analysisRuns;

    const response = await withAi.post<Record<string, unknown>>(analysesOf('support'), {}, { session: owner });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ ...goodAnalysis, model: 'gpt-5.4-mini', createdBy: owner.userId, toolUsageAnalysis: null, instructions: { source: 'default', version: 1 } });
    const sent = fake.requestsTo(completions)[0]!.body;
    expect(JSON.stringify(sent.messages)).toContain('You answer customer questions about orders.');
    expect(JSON.stringify(sent.messages)).toContain('Never promise refunds');
    expect(sent.messages[0].content).toContain(defaultInstructions['forprompt.analyze'].slice(0, 60));
    expect((await provider.aiUsage.counters(orgId)).analysisRuns).toBe(runsBefore + 1);
    const listed = await withAi.get<{ analyses: Array<{ clarityScore: number }> }>(analysesOf('support'), { session: owner });
    expect(listed.body.analyses[0]).toMatchObject({ clarityScore: 8, improvements: goodAnalysis.improvements });
    const audit = await provider.audit.list(orgId, { action: 'prompt.version.analyzed' });
    expect(audit[0]?.summary).toContain('version 1 of prompt "support" (clarity 8/10)');
  });

  it('drops an alignment check the model gave for a prompt without metadata', async () => {
    fake.queue(completions, openAiWire.completion(JSON.stringify(goodAnalysis)));
    const response = await withAi.post<Record<string, unknown>>(analysesOf('plain'), {}, { session: owner });
    expect(response.status).toBe(201);
    expect(response.body.alignmentCheck).toBeNull();
    expect(JSON.stringify(fake.requestsTo(completions)[0]!.body.messages)).toContain('No metadata is given');
  });

  it('repairs a malformed reply once and stores the repaired analysis', async () => {
    fake.queue(completions, openAiWire.completion('Sure! Here is my analysis: clarity is about 7.'), openAiWire.completion(JSON.stringify({ ...goodAnalysis, clarityScore: 7 })));
    const response = await withAi.post<{ clarityScore: number }>(analysesOf('plain'), {}, { session: owner });
    expect(response.status).toBe(201);
    expect(response.body.clarityScore).toBe(7);
    expect(fake.requestsTo(completions)).toHaveLength(2);
    expect(JSON.stringify(fake.requestsTo(completions)[1]!.body.messages)).toContain('could not be used');
  });

  it('answers a reply still invalid after the repair with 502 ai_invalid_output and stores nothing — no made-up score', async () => {
    const before = (await withAi.get<{ analyses: unknown[] }>(analysesOf('plain'), { session: owner })).body.analyses.length;
    fake.queue(completions, openAiWire.completion('not json'), openAiWire.completion(JSON.stringify({ ...goodAnalysis, clarityScore: 14 })));
    const response = await withAi.post<{ error: { code: string; message: string } }>(analysesOf('plain'), {}, { session: owner });
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('ai_invalid_output');
    expect(response.body.error.message).toContain('clarityScore');
    expect((await withAi.get<{ analyses: unknown[] }>(analysesOf('plain'), { session: owner })).body.analyses).toHaveLength(before);
  });

  it('answers 409 ai_disabled with a hint when no provider is configured', async () => {
    const response = await withoutAi.post<{ error: { code: string; details: { hint: string } } }>(analysesOf('support'), {}, { session: owner });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'ai_disabled', details: { hint: expect.stringContaining('AI_PROVIDER') } });
    expect(fake.requests).toHaveLength(0);
  });

  it("answers 404 for another organization's version, and for a version that does not exist", async () => {
    const other = await provider.orgs.create(system, { name: 'Other', ownerUserId: owner.userId });
    const otherProject = await provider.projects.create(system, other.id, { name: 'Theirs' });
    await provider.prompts.create(system, otherProject.id, { key: 'secret', name: 'secret' }, { template: 'Their prompt', variables: [] });
    // The other organization's project through this organization's path: it does not exist here.
    expect((await withAi.post(analysesOf('secret', 1, otherProject.id, orgId), {}, { session: owner })).status).toBe(404);
    expect((await withAi.get(analysesOf('secret', 1, otherProject.id, orgId), { session: owner })).status).toBe(404);
    expect((await withAi.post(analysesOf('support', 9), {}, { session: owner })).status).toBe(404);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('the instructions of an AI task', () => {
  it("are the app's defaults until the organization labels its own forprompt.analyze in production", async () => {
    expect(await aiInstructions({ provider }, orgId, 'forprompt.analyze')).toEqual({ text: defaultInstructions['forprompt.analyze'], source: 'default', version: 1 });
    const own = await provider.projects.create(system, orgId, { name: 'ForPrompt', slug: 'forprompt' });
    await provider.prompts.create(system, own.id, { key: 'forprompt.analyze', name: 'Analysis' }, { template: 'Draft instructions', variables: [] });
    expect((await aiInstructions({ provider }, orgId, 'forprompt.analyze')).source).toBe('default');
    await provider.prompts.createVersion(system, own.id, 'forprompt.analyze', { template: 'Review prompts for a bank: be strict.', variables: [], labels: ['production'] });
    expect(await aiInstructions({ provider }, orgId, 'forprompt.analyze')).toEqual({ text: 'Review prompts for a bank: be strict.', source: 'organization', version: 2 });

    fake.queue(completions, openAiWire.completion(JSON.stringify(goodAnalysis)));
    const response = await withAi.post<{ instructions: unknown }>(analysesOf('support'), {}, { session: owner });
    expect(response.body.instructions).toEqual({ source: 'organization', version: 2 });
    expect(fake.requestsTo(completions)[0]!.body.messages[0].content).toContain('Review prompts for a bank: be strict.');
  });
});
