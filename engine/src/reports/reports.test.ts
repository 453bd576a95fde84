import { randomUUID } from 'node:crypto';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataProvider, WriteContext } from '../data/provider.js';
import { Api, type Credentials } from '../../test/access/http-client.js';
import { projectWithApiKey, testServices } from '../../test/helpers/app.js';
import { startAiWorld, type AiWorld } from '../../test/helpers/ai-world.js';
import { openAiWire, type FakeLlm, type RecordedRequest } from '../../test/helpers/fake-llm.js';
import { startReportWorker } from './job.js';

/**
 * Report runs end to end: the dashboard route queues a run, the worker (on the real pg-boss queue)
 * asks a local server speaking OpenAI's protocol for each report, and the run's progress and the
 * stored reports are read back through the routes, on real PostgreSQL.
 */
const system: WriteContext = { actor: { type: 'system' } };
const KEY = 'support.reply';

let world: AiWorld;
let provider: DataProvider;
let fake: FakeLlm;
let withoutAi: Api;
let withAi: Api;
let owner: Credentials;
let orgId: string;
let projectId: string;
let runsPath: string;
let reportsPath: string;

type Run = { id: string; status: string; conversationsTotal: number; conversationsDone: number; conversationsFailed: number; batchReports: number; versionReports: number; error: string | null };
type Reports = { conversations: Array<{ traceId: string; successScore: number }>; batches: Array<{ conversationCount: number }>; versions: Array<{ promptVersion: number; successRate: number; conversationCount: number }> };

/** Which report a request asks for, from the JSON Schema generateObject appends to the instructions. */
function taskOf(request: RecordedRequest): 'conversation' | 'batch' | 'version' {
  const instructions = String(request.body.messages[0].content);
  if (instructions.includes('overallSuccessRate')) return 'version';
  if (instructions.includes('commonPatterns')) return 'batch';
  return 'conversation';
}

const replies = {
  conversation: { successScore: 7, outcome: 'partial', criticalPoints: ['asked for the order number'], issues: ['no refund policy'], summary: 'Helped, slowly.' },
  batch: { averageScore: 7, commonPatterns: ['asks for order numbers'], frequentIssues: ['refund policy missing'], recommendations: ['state the refund policy'], summary: 'Mostly fine.' },
  version: { overallSuccessRate: 70, averageScore: 7, keyInsights: ['slow'], improvementSuggestions: ['add the policy'], strengthsIdentified: ['polite'], weaknessesIdentified: ['vague'], summary: 'Version 1 works.' },
};

async function ingestTraces(count: number, version = 1): Promise<string[]> {
  const ids = Array.from({ length: count }, () => `trace-${randomUUID()}`);
  const events: IngestEvent[] = ids.map((id) => ({
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    type: 'trace-create',
    body: { id, promptKey: KEY, promptVersion: version, input: { message: 'Where is my order?' }, output: { message: 'Which order number?' }, status: 'completed' },
  }));
  await provider.traces.ingest(system, projectId, events);
  return ids;
}

async function startRun(body: Record<string, unknown> = {}): Promise<Run> {
  const response = await withAi.post<Run>(runsPath, body, { session: owner });
  expect(response.status).toBe(202);
  return response.body;
}

/** Polls the run until it ends; every progress seen is kept. */
async function finished(runId: string, seen: Run[] = []): Promise<Run> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const response = await withAi.get<Run>(`${runsPath}/${runId}`, { session: owner });
    expect(response.status).toBe(200);
    seen.push(response.body);
    if (response.body.status === 'completed' || response.body.status === 'failed') return response.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}

const reports = async () => (await withAi.get<Reports>(reportsPath, { session: owner })).body;
const callsOf = (task: 'conversation' | 'batch' | 'version') => fake.requestsTo('POST /v1/chat/completions').filter((request) => taskOf(request) === task).length;

beforeAll(async () => {
  world = await startAiWorld();
  ({ provider, fake, owner, orgId, projectId } = world);
  withAi = world.withAi.api;
  withoutAi = world.withoutAi.api;
  fake.on('POST /v1/chat/completions', (request) => openAiWire.completion(JSON.stringify(replies[taskOf(request)]), { model: 'gpt-5.4-mini' }));
  await startReportWorker(testServices(provider, world.aiConfig));
  await provider.prompts.create(system, projectId, { key: KEY, name: 'Reply' }, { template: 'You answer customers about their orders.', variables: [], commitMessage: null });
  runsPath = `/api/dashboard/orgs/${orgId}/projects/${projectId}/analytics/prompts/${KEY}/reports/runs`;
  reportsPath = `/api/dashboard/orgs/${orgId}/projects/${projectId}/analytics/prompts/${KEY}/reports`;
});
afterAll(() => world?.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe('report runs', () => {
  it('answer 409 ai_disabled with the how-to-enable hint when AI is off, and queue nothing', async () => {
    const response = await withoutAi.post(runsPath, {}, { session: owner });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ error: { code: 'ai_disabled', details: { hint: expect.stringContaining('AI_PROVIDER') } } });
    expect((await withoutAi.get<{ run: unknown }>(runsPath, { session: owner })).body.run).toBeNull();
    expect(fake.requests).toHaveLength(0);
  });

  it("answer 404 for another organization's project and prompt", async () => {
    const other = await projectWithApiKey(provider, 'Other');
    await provider.prompts.create(system, other.projectId, { key: KEY, name: 'Theirs' }, { template: 'Theirs', variables: [], commitMessage: null });
    const theirs = await withAi.post(`/api/dashboard/orgs/${orgId}/projects/${other.projectId}/analytics/prompts/${KEY}/reports/runs`, {}, { session: owner });
    expect(theirs.status).toBe(404);
    const unknownPrompt = await withAi.post(runsPath.replace(KEY, 'no.such.prompt'), {}, { session: owner });
    expect(unknownPrompt.status).toBe(404);
    expect((await withAi.get(`${runsPath}/${randomUUID()}`, { session: owner })).status).toBe(404);
  });

  it('analyse each conversation once, write a batch report per 10 and a version report, with progress counted', async () => {
    const traceIds = await ingestTraces(12);
    const run = await startRun();
    expect(run).toMatchObject({ status: 'queued', conversationsDone: 0 });
    const seen: Run[] = [];
    const done = await finished(run.id, seen);
    expect(done).toMatchObject({ status: 'completed', conversationsTotal: 12, conversationsDone: 12, conversationsFailed: 0, batchReports: 1, versionReports: 1, error: null });
    // Progress only grows, and never past the total.
    const counts = seen.map((progress) => progress.conversationsDone);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(Math.max(...counts)).toBeLessThanOrEqual(12);
    expect([callsOf('conversation'), callsOf('batch'), callsOf('version')]).toEqual([12, 1, 1]);

    const stored = await reports();
    expect(stored.conversations.map((report) => report.traceId).sort()).toEqual([...traceIds].sort());
    expect(stored.conversations.every((report) => report.successScore === 7)).toBe(true);
    expect(stored.batches).toEqual([expect.objectContaining({ conversationCount: 10 })]);
    expect(stored.versions).toEqual([expect.objectContaining({ promptVersion: 1, successRate: 70, conversationCount: 12 })]);
    // The conversation shown to the model carries the prompt's text and the trace.
    const asked = fake.requestsTo('POST /v1/chat/completions').find((request) => taskOf(request) === 'conversation')!;
    expect(JSON.stringify(asked.body.messages)).toContain('You answer customers about their orders.');
    expect(JSON.stringify(asked.body.messages)).toContain('Where is my order?');
    // Usage: each call logged under the feature, and the run counted.
    const calls = await provider.aiUsage.list(orgId);
    expect(calls.filter((call) => call.feature === 'reports')).toHaveLength(14);
    expect((await provider.aiUsage.counters(orgId)).analysisRuns).toBe(1);
  });

  it('analyse nothing again on a second run (no model call), and only the new conversations after more arrive', async () => {
    const again = await finished((await startRun()).id);
    expect(again).toMatchObject({ status: 'completed', conversationsTotal: 0, batchReports: 0, versionReports: 0 });
    expect(fake.requests).toHaveLength(0);

    // 2 unbatched + 8 new = one more batch of 10. The first conversation reply is malformed and repaired.
    await ingestTraces(8);
    fake.queue('POST /v1/chat/completions', openAiWire.completion(JSON.stringify({ ...replies.conversation, successScore: 11 })));
    const more = await finished((await startRun()).id);
    expect(more).toMatchObject({ status: 'completed', conversationsTotal: 8, conversationsDone: 8, conversationsFailed: 0, batchReports: 1, versionReports: 1 });
    expect(callsOf('conversation')).toBe(9);
    const stored = await reports();
    expect(stored.conversations).toHaveLength(20);
    expect(stored.batches.map((batch) => batch.conversationCount)).toEqual([10, 10]);
    expect(stored.versions[0]).toMatchObject({ conversationCount: 20 });
  });

  it('record a conversation whose reply stays invalid as failed, storing no made-up score', async () => {
    const [traceId] = await ingestTraces(1);
    const invalid = openAiWire.completion('{"successScore": "great", "outcome": "maybe"}');
    fake.queue('POST /v1/chat/completions', invalid, invalid);
    const run = await finished((await startRun()).id);
    expect(run).toMatchObject({ status: 'failed', conversationsTotal: 1, conversationsDone: 1, conversationsFailed: 1, versionReports: 0 });
    expect(run.error).toMatch(/1 of 1 conversations could not be analysed: .*did not match the expected shape/);
    expect((await reports()).conversations.map((report) => report.traceId)).not.toContain(traceId);

    // It is still unreported, so the next run picks it up.
    const retried = await finished((await startRun()).id);
    expect(retried).toMatchObject({ status: 'completed', conversationsTotal: 1, conversationsFailed: 0 });
    expect((await reports()).conversations.map((report) => report.traceId)).toContain(traceId);
  });

  it('analyse reported conversations again when forced, within the limit, and show the newest run', async () => {
    const run = await finished((await startRun({ force: true, limit: 3, version: 1 })).id);
    expect(run).toMatchObject({ status: 'completed', conversationsTotal: 3, conversationsDone: 3 });
    expect(callsOf('conversation')).toBe(3);
    const latest = await withAi.get<{ run: Run }>(runsPath, { session: owner });
    expect(latest.body.run).toMatchObject({ id: run.id, status: 'completed' });
  });
});
