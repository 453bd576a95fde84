import { randomUUID } from 'node:crypto';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataProvider, WriteContext } from '../data/provider.js';
import { Api, type Credentials } from '../../test/access/http-client.js';
import { projectWithApiKey, testServices } from '../../test/helpers/app.js';
import { startAiWorld, type AiWorld } from '../../test/helpers/ai-world.js';
import { openAiWire, type FakeLlm, type RecordedRequest } from '../../test/helpers/fake-llm.js';
import pg from 'pg';
import type { Services } from '../http/services.js';
import { ABANDONED_JOB_REASON, INTERRUPTED_ERROR, RUN_RETRIES, failInterruptedRuns } from './interrupted-runs.js';
import { generateReports, REPORT_JOB, startReportWorker } from './job.js';

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
let services: Services;
let database: pg.Pool;

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

async function ingestTraces(count: number, version = 1, promptKey = KEY): Promise<string[]> {
  const ids = Array.from({ length: count }, () => `trace-${randomUUID()}`);
  const events: IngestEvent[] = ids.map((id) => ({
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    type: 'trace-create',
    body: { id, promptKey, promptVersion: version, input: { message: 'Where is my order?' }, output: { message: 'Which order number?' }, status: 'completed' },
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
async function finished(runId: string, seen: Run[] = [], path = runsPath): Promise<Run> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const response = await withAi.get<Run>(`${path}/${runId}`, { session: owner });
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
  services = testServices(provider, world.aiConfig);
  database = new pg.Pool({ connectionString: provider.databaseUrl, max: 2 });
  await startReportWorker(services);
  await provider.prompts.create(system, projectId, { key: KEY, name: 'Reply' }, { template: 'You answer customers about their orders.', variables: [], commitMessage: null });
  runsPath = `/api/dashboard/orgs/${orgId}/projects/${projectId}/analytics/prompts/${KEY}/reports/runs`;
  reportsPath = `/api/dashboard/orgs/${orgId}/projects/${projectId}/analytics/prompts/${KEY}/reports`;
});
afterAll(async () => {
  await database?.end();
  await world?.close();
});
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

/** A prompt of its own (a prompt has one run going at a time) with `traces` conversations of version 1, and its runs' path. */
async function promptWithTraces(traces: number) {
  const key = `own.${randomUUID().slice(0, 8)}`;
  const prompt = await provider.prompts.create(system, projectId, { key, name: key }, { template: 'You answer customers.', variables: [], commitMessage: null });
  await ingestTraces(traces, 1, key);
  return { key, promptId: prompt.id, path: `/api/dashboard/orgs/${orgId}/projects/${projectId}/analytics/prompts/${key}/reports/runs` };
}

/** A run of the prompt as an engine left it: `status`, created `minutesAgo`, no job queued. */
async function runLeft(promptId: string, status: 'queued' | 'running', minutesAgo: number) {
  const { run } = await provider.reports.createRun({ organizationId: orgId, projectId, promptId, versionNumber: null, force: false, conversationLimit: 50, createdBy: null });
  await database.query(`update report_runs set status = $2, created_at = now() - make_interval(mins => $3) where id = $1`, [run.id, status, minutesAgo]);
  return run.id;
}

const statusOf = async (runId: string) => (await provider.reports.getRun(projectId, runId))!;

describe('report runs started twice at once', () => {
  it('make one run, whose conversations are each analysed once, and answer both starts with it', async () => {
    const { path } = await promptWithTraces(4);
    const [first, second] = await Promise.all([withAi.post<Run>(path, {}, { session: owner }), withAi.post<Run>(path, {}, { session: owner })]);
    expect([first.status, second.status].sort()).toEqual([200, 202]);
    expect(second.body.id).toBe(first.body.id);
    expect(await finished(first.body.id, [], path)).toMatchObject({ status: 'completed', conversationsTotal: 4, conversationsDone: 4 });
    expect(callsOf('conversation')).toBe(4);

    // Many at once (replicas): still one run.
    const { promptId } = await promptWithTraces(0);
    const starts = await Promise.all(
      Array.from({ length: 8 }, () => provider.reports.createRun({ organizationId: orgId, projectId, promptId, versionNumber: null, force: false, conversationLimit: 5, createdBy: null })),
    );
    expect(starts.filter((start) => start.created)).toHaveLength(1);
    expect(new Set(starts.map((start) => start.run.id)).size).toBe(1);

    // Once it has finished, a start makes a new run, which finds nothing left to analyse.
    const again = await withAi.post<Run>(path, {}, { session: owner });
    expect(again.status).toBe(202);
    expect(await finished(again.body.id, [], path)).toMatchObject({ status: 'completed', conversationsTotal: 0 });
    expect(callsOf('conversation')).toBe(4);
  });
});

describe('report runs an engine left behind', () => {
  it('are failed as interrupted when their job is gone, unless their job waits or a handler holds them', async () => {
    const left = await promptWithTraces(0);
    const gone = await runLeft(left.promptId, 'running', 10);
    const waiting = await runLeft((await promptWithTraces(0)).promptId, 'queued', 10);
    await provider.jobs.enqueue(REPORT_JOB, { runId: waiting, projectId, promptKey: 'unused' }, { startAfterSeconds: 3600 });
    const held = await runLeft((await promptWithTraces(0)).promptId, 'running', 10);
    const justCreated = await runLeft((await promptWithTraces(0)).promptId, 'queued', 0);

    await provider.reports.withRunHeld(held, async () => {
      expect(await failInterruptedRuns(services, provider.reports, REPORT_JOB)).toEqual([gone]);
    });
    expect(await statusOf(gone)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR, finishedAt: expect.any(Date) });
    for (const untouched of [waiting, held, justCreated]) expect((await statusOf(untouched)).status, untouched).not.toBe('failed');
    // Released by its handler (its engine gone) with no job left, the held one is interrupted too.
    expect(await failInterruptedRuns(services, provider.reports, REPORT_JOB)).toEqual([held]);

    // The dashboard shows the failure and its reason, and a new run can start.
    const shown = await withAi.get<Run>(`${left.path}/${gone}`, { session: owner });
    expect(shown.body).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
    const restarted = await withAi.post<Run>(left.path, {}, { session: owner });
    expect(restarted.status).toBe(202);
    expect(restarted.body.id).not.toBe(gone);
  });

  it('have the job their killed engine was working delivered again without waiting for its 15-minute expiry, and resume', async () => {
    const abandoned = await promptWithTraces(2);
    const abandonedRun = await runLeft(abandoned.promptId, 'running', 10);
    const heldRun = await runLeft((await promptWithTraces(0)).promptId, 'running', 10);
    const justStartedRun = await runLeft((await promptWithTraces(0)).promptId, 'running', 10);
    // What a killed engine leaves: its job working (since 10 minutes, or just now), nobody holding the run.
    const workingJob = async (runId: string, promptKey: string, minutesAgo: number) => {
      const jobId = (await provider.jobs.enqueue(REPORT_JOB, { runId, projectId, promptKey }, { startAfterSeconds: 3600, retryLimit: RUN_RETRIES }))!;
      await database.query(`update pgboss.job set state = 'active', started_on = now() - make_interval(mins => $2) where id = $1`, [jobId, minutesAgo]);
      return jobId;
    };
    const jobs = [await workingJob(abandonedRun, abandoned.key, 10), await workingJob(heldRun, 'unused', 10), await workingJob(justStartedRun, 'unused', 0)];

    await provider.reports.withRunHeld(heldRun, async () => {
      expect(await failInterruptedRuns(services, provider.reports, REPORT_JOB)).toEqual([]);
    });
    const { rows } = await database.query<{ id: string; state: string; reason: string | null }>(`select id, state, output->>'message' as reason from pgboss.job where id = any($1)`, [jobs]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(jobs[0]!)).toMatchObject({ state: 'retry', reason: ABANDONED_JOB_REASON });
    // A handler holds one run; the other's job may still be starting: both keep working.
    expect([byId.get(jobs[1]!)!.state, byId.get(jobs[2]!)!.state]).toEqual(['active', 'active']);
    // The worker gets the job again and the run resumes to the end.
    expect(await finished(abandonedRun, [], abandoned.path)).toMatchObject({ status: 'completed', conversationsDone: 2 });
    for (const untouched of [heldRun, justStartedRun]) expect((await statusOf(untouched)).status).toBe('running');
  });

  it('resume when their job is delivered again, analysing only the conversations not yet reported', async () => {
    const { key, promptId, path } = await promptWithTraces(3);
    const { run } = await provider.reports.createRun({ organizationId: orgId, projectId, promptId, versionNumber: null, force: true, conversationLimit: 50, createdBy: null });
    // Before the engine stopped, the run had reported one conversation.
    const [reportedBefore] = await provider.reports.tracesToReport(projectId, key, { versionNumber: null, force: false, limit: 1, reportedSince: run.createdAt });
    await provider.reports.saveConversationReport({ projectId, promptId }, reportedBefore!, { ...replies.conversation, outcome: 'partial', model: 'gpt-5.4-mini' });
    await provider.reports.updateRun(run.id, { status: 'running', conversationsTotal: 3, conversationsDone: 1 });

    await generateReports(services, { runId: run.id, projectId, promptKey: key });

    expect(await finished(run.id, [], path)).toMatchObject({ status: 'completed', conversationsTotal: 3, conversationsDone: 3, conversationsFailed: 0, versionReports: 1 });
    expect(callsOf('conversation')).toBe(2);
  });

  it('are left to the handler holding them when their job is delivered a second time', async () => {
    const { key, promptId, path } = await promptWithTraces(2);
    const { run } = await provider.reports.createRun({ organizationId: orgId, projectId, promptId, versionNumber: null, force: false, conversationLimit: 50, createdBy: null });
    const job = { runId: run.id, projectId, promptKey: key };
    await provider.reports.withRunHeld(run.id, () => generateReports(services, job));
    expect(fake.requests).toHaveLength(0);
    expect((await statusOf(run.id)).status).toBe('queued');

    await generateReports(services, job);
    expect(await finished(run.id, [], path)).toMatchObject({ status: 'completed', conversationsDone: 2 });
  });
});
