import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODELS } from '../ai/models.js';
import type { DataProvider, WriteContext } from '../data/provider.js';
import { Api, errorOf, issuePaths, type Credentials } from '../../test/access/http-client.js';
import { projectWithApiKey, testServices } from '../../test/helpers/app.js';
import { startAiWorld, type AiWorld } from '../../test/helpers/ai-world.js';
import { anthropicWire, openAiWire, startFakeLlm, type FakeLlm, type RecordedRequest } from '../../test/helpers/fake-llm.js';
import pg from 'pg';
import type { Services } from '../http/services.js';
import { failInterruptedRuns, INTERRUPTED_ERROR } from '../reports/interrupted-runs.js';
import { runSuite, startTestRunWorker, TEST_RUN_JOB } from './run-job.js';

/**
 * The playground and test suites end to end: routes on a real app and PostgreSQL, the suite runs on
 * the real pg-boss queue, and the model (answers, generator, judge) a local server speaking OpenAI's
 * protocol whose replies are scripted by what each request asks.
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
let promptPath: string;
let services: Services;
let database: pg.Pool;

type Run = { id: string; status: string; version: number; provider: string | null; model: string | null; judgeProvider: string | null; judgeModel: string | null; casesTotal: number; casesDone: number; passed: number; failed: number; errored: number; passRate: number | null };
type Suite = { suite: { id: string; name: string }; cases: Array<{ id: string; input: string; criteria: string[]; variables: Record<string, string> }>; runs: Run[]; passRateByVersion: Array<{ version: number; passRate: number | null; provider: string | null; judgeModel: string | null }> };

const generated = {
  cases: [
    { input: 'Where is order 42?', variables: { customer: 'Ada' }, criteria: ['Asks for nothing already given', 'Is polite'] },
    { input: 'Refund me now!', variables: { customer: 'Bob' }, criteria: ['States the refund policy'] },
  ],
};

/** What a chat request is: generating a suite, judging, or answering (the playground and suite runs). */
function taskOf(request: RecordedRequest): 'generate' | 'judge' | 'answer' {
  const instructions = String(request.body.messages[0]?.content ?? '');
  if (instructions.includes('"verdicts"')) return 'judge';
  if (instructions.includes('"cases"')) return 'generate';
  return 'answer';
}

/** A verdict on every criterion the judge is shown: those of `Refund` fail. */
function verdicts(shown: string): string {
  const criteria = [...shown.matchAll(/^\d+\. (.+)$/gm)].map((match) => match[1]!);
  return JSON.stringify({ verdicts: criteria.map((criterion) => ({ criterion, passed: !shown.includes('Refund'), reason: 'Checked.' })) });
}

/** The judge's reply, scripted by the case input it is shown: `refund` fails its criterion, `garbled` is never valid JSON. */
function judge(request: RecordedRequest) {
  // What the judge is shown (a repair request adds the repair instruction after it).
  const shown = String(request.body.messages[1]?.content ?? '');
  if (shown.includes('garbled')) return openAiWire.completion('I think it is fine.');
  // The first judgement of `repair` has a verdict missing; the repair request (three messages) gets a valid one.
  if (shown.includes('repair') && request.body.messages.length === 2) return openAiWire.completion(JSON.stringify({ verdicts: [] }));
  return openAiWire.completion(verdicts(shown), { model: request.body.model });
}

const callsOf = (task: 'generate' | 'judge' | 'answer') => fake.requestsTo('POST /v1/chat/completions').filter((request) => taskOf(request) === task);

async function finished(suiteId: string, runId: string, path = promptPath): Promise<Run> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    const detail = (await withAi.get<Suite>(`${path}/test-suites/${suiteId}`, { session: owner })).body;
    const run = detail.runs.find((candidate) => candidate.id === runId)!;
    if (run.status === 'completed' || run.status === 'failed') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}

async function generateSuite(): Promise<Suite> {
  const response = await withAi.post<Suite>(`${promptPath}/test-suites`, { count: 2 }, { session: owner });
  expect(response.status).toBe(201);
  return response.body;
}

async function runOf(suiteId: string, version: number, path = promptPath): Promise<Run> {
  const started = await withAi.post<Run>(`${path}/test-suites/${suiteId}/runs`, { version }, { session: owner });
  expect(started.status).toBe(202);
  return finished(suiteId, started.body.id, path);
}

beforeAll(async () => {
  world = await startAiWorld();
  ({ provider, fake, owner, orgId, projectId } = world);
  withAi = world.withAi.api;
  withoutAi = world.withoutAi.api;
  fake.on('POST /v1/chat/completions', (request) => {
    const task = taskOf(request);
    if (task === 'generate') return openAiWire.completion(JSON.stringify(generated), { model: 'gpt-5.4-mini' });
    if (task === 'judge') return judge(request);
    return openAiWire.completion(`Hello! (${request.body.messages.length} messages)`, { model: 'gpt-5.4-mini', usage: [20, 10] });
  });
  services = testServices(provider, world.aiConfig);
  database = new pg.Pool({ connectionString: provider.databaseUrl, max: 2 });
  await startTestRunWorker(services);
  await provider.prompts.create(system, projectId, { key: KEY, name: 'Reply', purpose: 'Answer customers about orders' }, { template: 'You answer {{customer}} about their orders.', variables: ['customer'], commitMessage: null });
  await provider.prompts.createVersion(system, projectId, KEY, { template: 'You answer {{customer}} about orders and state the refund policy.', variables: ['customer'], commitMessage: null });
  promptPath = `/api/dashboard/orgs/${orgId}/projects/${projectId}/prompts/${KEY}`;
});
afterAll(async () => {
  await database?.end();
  await world?.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe('the playground', () => {
  it('answers a multi-turn chat with the version compiled, stores the result and rolls it into the version’s averages', async () => {
    const messages = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Where is my order?' },
    ];
    const response = await withAi.post<{ response: string; tokens: number; responseTime: number; model: string; versionStats: { testCount: number; avgTokens: number } }>(
      `${promptPath}/versions/1/playground`,
      { variables: { customer: 'Ada' }, messages },
      { session: owner },
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ response: 'Hello! (4 messages)', tokens: 30, model: 'gpt-5.4-mini', versionStats: { testCount: 1, avgTokens: 30 } });
    expect(response.body.responseTime).toBeGreaterThanOrEqual(0);
    const sent = callsOf('answer')[0]!.body;
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'You answer Ada about their orders.' });
    expect(sent.messages.slice(1)).toEqual(messages);

    const stats = await withAi.get(`${promptPath}/versions/1/test-stats`, { session: owner });
    expect(stats.body).toMatchObject({ testCount: 1, avgTokens: 30 });
    expect((await provider.aiUsage.counters(orgId)).tests).toBeGreaterThanOrEqual(1);
  });

  it('refuses a missing variable with 400 naming it, before calling the model', async () => {
    const response = await withAi.post(`${promptPath}/versions/1/playground`, { messages: [{ role: 'user', content: 'Hi' }] }, { session: owner });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('customer');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('test suites', () => {
  it('answer 409 ai_disabled when AI is off, and store nothing', async () => {
    expect((await withoutAi.post(`${promptPath}/test-suites`, {}, { session: owner })).status).toBe(409);
    expect((await withoutAi.post(`${promptPath}/versions/1/playground`, { variables: { customer: 'A' }, messages: [{ role: 'user', content: 'Hi' }] }, { session: owner })).status).toBe(409);
    expect(fake.requests).toHaveLength(0);
  });

  it("answer 404 for another organization's prompt and for a suite of another prompt", async () => {
    const other = await projectWithApiKey(provider, 'Other');
    await provider.prompts.create(system, other.projectId, { key: KEY, name: 'Theirs' }, { template: 'Theirs', variables: [], commitMessage: null });
    const theirs = `/api/dashboard/orgs/${orgId}/projects/${other.projectId}/prompts/${KEY}`;
    expect((await withAi.post(`${theirs}/test-suites`, {}, { session: owner })).status).toBe(404);
    expect((await withAi.post(`${theirs}/versions/1/playground`, { messages: [{ role: 'user', content: 'Hi' }] }, { session: owner })).status).toBe(404);
    expect((await withAi.get(`${promptPath}/test-suites/${randomUUID()}`, { session: owner })).status).toBe(404);
  });

  it('generate cases from the prompt and its metadata, which can then be edited, added and deleted', async () => {
    const suite = await generateSuite();
    expect(suite.cases.map((testCase) => testCase.input)).toEqual(['Where is order 42?', 'Refund me now!']);
    const shown = String(callsOf('generate')[0]!.body.messages[1].content);
    expect(shown).toContain('refund policy');
    expect(shown).toContain('purpose: Answer customers about orders');

    const casesPath = `${promptPath}/test-suites/${suite.suite.id}/cases`;
    const edited = await withAi.patch<{ criteria: string[] }>(`${casesPath}/${suite.cases[0]!.id}`, { criteria: ['Is polite'] }, { session: owner });
    expect(edited.body.criteria).toEqual(['Is polite']);
    const added = await withAi.post<{ id: string }>(casesPath, { input: 'Hello', variables: { customer: 'Cy' }, criteria: ['Greets back'] }, { session: owner });
    expect(added.status).toBe(201);
    expect((await withAi.delete(`${casesPath}/${added.body.id}`, { session: owner })).status).toBe(200);
    expect((await withAi.delete(`${casesPath}/${added.body.id}`, { session: owner })).status).toBe(404);
    expect((await withAi.post(casesPath, { input: 'No criteria', criteria: [] }, { session: owner })).status).toBe(400);
  });

  it('refuse a generated suite that stays malformed after the one repair with 502, storing nothing', async () => {
    const before = (await withAi.get<{ suites: unknown[] }>(`${promptPath}/test-suites`, { session: owner })).body.suites.length;
    fake.queue('POST /v1/chat/completions', openAiWire.completion('Here are some ideas for tests.'), openAiWire.completion(JSON.stringify({ cases: [] })));
    const response = await withAi.post(`${promptPath}/test-suites`, {}, { session: owner });
    expect(response.status).toBe(502);
    expect(response.body).toMatchObject({ error: { code: 'ai_invalid_output' } });
    expect((await withAi.get<{ suites: unknown[] }>(`${promptPath}/test-suites`, { session: owner })).body.suites).toHaveLength(before);
  });

  it('run a suite in the background, the judge’s verdicts giving the pass rate per version, and compare two versions', async () => {
    const suite = await generateSuite();
    const first = await runOf(suite.suite.id, 1);
    expect(first).toMatchObject({ status: 'completed', casesTotal: 2, casesDone: 2, passed: 1, failed: 1, errored: 0, passRate: 0.5 });
    // Each case's answer is made with its own variables.
    expect(callsOf('answer').map((request) => request.body.messages[0].content).sort()).toEqual(['You answer Ada about their orders.', 'You answer Bob about their orders.']);

    await provider.promptTests.updateCase(system, { organizationId: orgId, projectId, promptId: (await provider.prompts.get(projectId, KEY))!.id, promptKey: KEY }, suite.suite.id, suite.cases[1]!.id, { input: 'Can I return it?' });
    const second = await runOf(suite.suite.id, 2);
    expect(second).toMatchObject({ status: 'completed', passed: 2, failed: 0, passRate: 1 });

    const detail = (await withAi.get<Suite>(`${promptPath}/test-suites/${suite.suite.id}`, { session: owner })).body;
    expect(detail.passRateByVersion).toEqual([expect.objectContaining({ version: 1, passRate: 0.5 }), expect.objectContaining({ version: 2, passRate: 1 })]);
    const compared = await withAi.get<{ from: { run: Run }; to: { run: Run }; cases: Array<{ from: { status: string }; to: { status: string } }> }>(`${promptPath}/test-suites/${suite.suite.id}/compare?from=1&to=2`, { session: owner });
    expect(compared.status).toBe(200);
    expect([compared.body.from.run.passRate, compared.body.to.run.passRate]).toEqual([0.5, 1]);
    expect(compared.body.cases.map((row) => [row.from.status, row.to.status])).toEqual([
      ['passed', 'passed'],
      ['failed', 'passed'],
    ]);
  });

  it('repair a malformed judge reply once, and mark a case errored — never scored — when the judge stays invalid', async () => {
    const suite = await generateSuite();
    const casesPath = `${promptPath}/test-suites/${suite.suite.id}/cases`;
    for (const testCase of suite.cases) await withAi.delete(`${casesPath}/${testCase.id}`, { session: owner });
    await withAi.post(casesPath, { input: 'Please repair this', variables: { customer: 'Ada' }, criteria: ['Is polite', 'Is short'] }, { session: owner });
    await withAi.post(casesPath, { input: 'This one is garbled', variables: { customer: 'Ada' }, criteria: ['Is polite'] }, { session: owner });

    const run = await runOf(suite.suite.id, 1);
    expect(run).toMatchObject({ status: 'completed', casesDone: 2, passed: 1, failed: 0, errored: 1, passRate: 1 });
    // Two judgements each: the repaired one and the one that stayed invalid.
    expect(callsOf('judge')).toHaveLength(4);
    const compared = await withAi.get<{ cases: Array<{ input: string; from: { status: string; error: string | null; verdicts: unknown[] } }> }>(`${promptPath}/test-suites/${suite.suite.id}/compare?from=1&to=2`, { session: owner });
    const garbled = compared.body.cases.find((row) => row.input.includes('garbled'))!;
    expect(garbled.from).toMatchObject({ status: 'errored', verdicts: [], error: expect.stringContaining('judge') });

    // The suite itself shows each case's result in its newest run, with the reason next to the case.
    type Detail = { cases: Array<{ id: string; input: string }>; latestRun: { version: number; results: Array<{ caseId: string; status: string; error: string | null }> } };
    const detail = await withAi.get<Detail>(`${promptPath}/test-suites/${suite.suite.id}`, { session: owner });
    expect(detail.body.latestRun.version).toBe(1);
    const byInput = new Map(detail.body.cases.map((testCase) => [testCase.input, detail.body.latestRun.results.find((result) => result.caseId === testCase.id)]));
    expect(byInput.get('Please repair this')).toMatchObject({ status: 'passed', error: null });
    expect(byInput.get('This one is garbled')).toMatchObject({ status: 'errored', error: expect.stringContaining('judge') });
  });
});

/** A prompt of its own without variables, with a suite of `inputs` (one criterion each): its path, suite, and version 1's id. */
async function promptWithSuite(inputs: string[]) {
  const key = `own.${randomUUID().slice(0, 8)}`;
  const prompt = await provider.prompts.create(system, projectId, { key, name: key }, { template: 'You answer about orders.', variables: [], commitMessage: null });
  const scope = { organizationId: orgId, projectId, promptId: prompt.id, promptKey: key };
  const suite = await provider.promptTests.createSuite(system, scope, { name: 'Own', generatedFromVersion: 1, model: null, createdBy: null }, inputs.map((input) => ({ input, variables: {}, criteria: ['Is polite'] })));
  const version = (await provider.prompts.resolve(projectId, key, { version: 1 }))!.version;
  return { key, path: `/api/dashboard/orgs/${orgId}/projects/${projectId}/prompts/${key}`, suiteId: suite.id, versionId: version.id, cases: await provider.promptTests.listCases(suite.id) };
}

/** A run answered and judged with the organization's provider and its default model. */
const organizationDefaults = { provider: null, model: null, judgeProvider: null, judgeModel: null };

type VersionSummary = { version: number; testCount: number; avgTokens: number | null; avgLatencyMs: number | null; latestSuiteRun: { id: string; passRate: number | null; passed: number } | null };

describe('suite runs and the version’s averages', () => {
  it('count each suite-run answer once in the version’s averages, next to playground turns, shown per version with the newest pass rate', async () => {
    const { path, suiteId } = await promptWithSuite(['Where is my order?', 'Hello there']);
    expect((await withAi.post(`${path}/versions/1/playground`, { messages: [{ role: 'user', content: 'Hi' }] }, { session: owner })).status).toBe(200);

    const run = await runOf(suiteId, 1, path);
    expect(run).toMatchObject({ status: 'completed', passed: 2 });
    // Three answers of 20 + 10 tokens: the playground turn and the two cases (the judge's calls are not answers).
    expect((await withAi.get(`${path}/versions/1/test-stats`, { session: owner })).body).toMatchObject({ testCount: 3, avgTokens: 30, avgLatencyMs: expect.any(Number) });
    const summaries = await withAi.get<{ versions: VersionSummary[] }>(`${path}/test-stats`, { session: owner });
    expect(summaries.status).toBe(200);
    expect(summaries.body.versions).toEqual([expect.objectContaining({ version: 1, testCount: 3, avgTokens: 30, latestSuiteRun: expect.objectContaining({ id: run.id, passRate: 1, passed: 2 }) })]);
  });

  it('resume a run whose job is delivered again, answering only the cases without a result, each counted once', async () => {
    const { key, path, suiteId, versionId, cases } = await promptWithSuite(['First question', 'Second question', 'Third question']);
    const run = await provider.promptTests.createRun({ suiteId, versionId, version: 1, ...organizationDefaults, casesTotal: 3, createdBy: null });
    // Before the engine stopped, the run had answered the first case (90 tokens).
    const verdicts = [{ criterion: 'Is polite', passed: true, reason: 'Polite.' }];
    await provider.promptTests.saveCaseResult(run.id, { caseId: cases[0]!.id, status: 'passed', response: 'Earlier answer', verdicts, error: null, inputTokens: 60, outputTokens: 30, latencyMs: 5 });
    await provider.promptTests.updateRun(run.id, { status: 'running', casesDone: 1, passed: 1 });

    await runSuite(services, { runId: run.id, organizationId: orgId, projectId, promptKey: key });

    expect(await finished(suiteId, run.id, path)).toMatchObject({ status: 'completed', casesDone: 3, passed: 3 });
    expect(callsOf('answer')).toHaveLength(2);
    expect((await withAi.get(`${path}/versions/1/test-stats`, { session: owner })).body).toMatchObject({ testCount: 3, avgTokens: 50 });
  });

  it('fail a run an engine left running without a job, with the reason shown, and run the suite again', async () => {
    const { path, suiteId, versionId } = await promptWithSuite(['Hello there']);
    const run = await provider.promptTests.createRun({ suiteId, versionId, version: 1, ...organizationDefaults, casesTotal: 1, createdBy: null });
    await database.query(`update prompt_test_runs set status = 'running', created_at = now() - interval '10 minutes' where id = $1`, [run.id]);

    expect(await failInterruptedRuns(services, provider.promptTests, TEST_RUN_JOB)).toEqual([run.id]);
    const detail = (await withAi.get<Suite & { runs: Array<{ error: string | null }> }>(`${path}/test-suites/${suiteId}`, { session: owner })).body;
    expect(detail.runs[0]).toMatchObject({ id: run.id, status: 'failed', error: INTERRUPTED_ERROR });
    expect(await runOf(suiteId, 1, path)).toMatchObject({ status: 'completed', passed: 1 });
  });
});

describe('choosing the provider and model of the answers, and of the judge', () => {
  let anthropic: FakeLlm;
  const anthropicTask = (request: RecordedRequest) => (String(request.body.system ?? '').includes('"verdicts"') ? 'judge' : 'answer');
  const anthropicCalls = (task: 'judge' | 'answer') => anthropic.requestsTo('POST /v1/messages').filter((request) => anthropicTask(request) === task);
  const startRun = (path: string, suiteId: string, body: Record<string, unknown>) => withAi.post<Run>(`${path}/test-suites/${suiteId}/runs`, body, { session: owner });

  beforeAll(async () => {
    // A second server speaking Anthropic's protocol, reached with the organization's own Anthropic key.
    anthropic = await startFakeLlm();
    anthropic.on('POST /v1/messages', (request) => {
      if (anthropicTask(request) === 'judge') return anthropicWire.message(verdicts(String(request.body.messages.at(-1).content)), { model: request.body.model });
      return anthropicWire.message(`Claude here (${request.body.messages.length} messages)`, { model: request.body.model, usage: [20, 10] });
    });
    const sealed = services.secretBox.seal('sk-ant-org-0123456789');
    await provider.providerKeys.create(system, orgId, { service: 'anthropic', name: 'Team Anthropic', encryptedKey: sealed, keyHint: 'sk-a…6789', baseUrl: anthropic.url });
  });
  afterAll(async () => {
    await anthropic?.close();
  });
  beforeEach(() => {
    anthropic.requests.length = 0;
  });

  it('answer with the run’s provider and model and judge with the judge’s, both shown on the run and its pass rate', async () => {
    const { path, suiteId } = await promptWithSuite(['Where is my order?', 'Hello there']);
    const started = await startRun(path, suiteId, { version: 1, provider: 'anthropic', model: 'claude-answers', judgeProvider: 'openai', judgeModel: 'gpt-judge' });
    expect(started.status).toBe(202);
    const chosen = { provider: 'anthropic', model: 'claude-answers', judgeProvider: 'openai', judgeModel: 'gpt-judge' };
    expect(started.body).toMatchObject(chosen);
    expect(await finished(suiteId, started.body.id, path)).toMatchObject({ status: 'completed', passed: 2, errored: 0, ...chosen });

    expect(anthropicCalls('answer').map((request) => request.body.model)).toEqual(['claude-answers', 'claude-answers']);
    expect(anthropicCalls('answer')[0]!.body.system).toBe('You answer about orders.');
    expect(anthropicCalls('judge')).toHaveLength(0);
    expect(callsOf('judge').map((request) => request.body.model)).toEqual(['gpt-judge', 'gpt-judge']);
    expect(callsOf('answer')).toHaveLength(0);
    const detail = (await withAi.get<Suite>(`${path}/test-suites/${suiteId}`, { session: owner })).body;
    expect(detail.passRateByVersion).toEqual([expect.objectContaining({ version: 1, passRate: 1, ...chosen })]);
    // Each session records its calls with its own provider (the run's four are the newest).
    const usage = (await provider.aiUsage.list(orgId, { limit: 4 })).map((call) => [call.feature, call.provider, call.model]);
    expect(usage.sort()).toEqual([
      ['test-judge', 'openai', 'gpt-judge'],
      ['test-judge', 'openai', 'gpt-judge'],
      ['test-run', 'anthropic', 'claude-answers'],
      ['test-run', 'anthropic', 'claude-answers'],
    ]);
  });

  it('judge with the run’s provider and model unless told otherwise, and with the judge provider’s default model on another provider', async () => {
    const { path, suiteId } = await promptWithSuite(['Hello there']);
    const same = await startRun(path, suiteId, { version: 1, provider: 'anthropic', model: 'claude-answers' });
    expect(same.body).toMatchObject({ provider: 'anthropic', model: 'claude-answers', judgeProvider: 'anthropic', judgeModel: 'claude-answers' });
    await finished(suiteId, same.body.id, path);
    expect(anthropicCalls('judge').map((request) => request.body.model)).toEqual(['claude-answers']);

    const other = await startRun(path, suiteId, { version: 1, provider: 'anthropic', model: 'claude-answers', judgeProvider: 'openai' });
    expect(other.body).toMatchObject({ judgeProvider: 'openai', judgeModel: null });
    expect(await finished(suiteId, other.body.id, path)).toMatchObject({ status: 'completed', passed: 1 });
    expect(callsOf('judge').map((request) => request.body.model)).toEqual([DEFAULT_MODELS.openai]);
  });

  it('run the playground on the chosen provider and model, storing the provider with the result', async () => {
    const response = await withAi.post<{ response: string; provider: string; model: string; testResultId: string }>(
      `${promptPath}/versions/1/playground`,
      { provider: 'anthropic', model: 'claude-play', variables: { customer: 'Ada' }, messages: [{ role: 'user', content: 'Hi' }] },
      { session: owner },
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ response: 'Claude here (1 messages)', provider: 'anthropic', model: 'claude-play' });
    expect(anthropic.requests.map((request) => [request.body.model, request.body.system])).toEqual([['claude-play', 'You answer Ada about their orders.']]);
    expect(fake.requests).toHaveLength(0);
    const stored = await database.query('select provider, model from prompt_test_results where id = $1', [response.body.testResultId]);
    expect(stored.rows).toEqual([{ provider: 'anthropic', model: 'claude-play' }]);
  });

  it('refuse a provider or model that is not one with 400 naming the field', async () => {
    const { path, suiteId } = await promptWithSuite(['Hello there']);
    const playground = await withAi.post(`${path}/versions/1/playground`, { provider: 'gemini', messages: [{ role: 'user', content: 'Hi' }] }, { session: owner });
    expect(issuePaths(playground)).toEqual(['body.provider']);
    for (const [body, field] of [
      [{ version: 1, provider: 'gemini' }, 'body.provider'],
      [{ version: 1, judgeProvider: 'OpenAI' }, 'body.judgeProvider'],
      [{ version: 1, judgeModel: '  ' }, 'body.judgeModel'],
      [{ version: 1, judgeModel: 42 }, 'body.judgeModel'],
    ] as const) {
      const response = await startRun(path, suiteId, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(issuePaths(response), JSON.stringify(body)).toEqual([field]);
    }
    expect([...fake.requests, ...anthropic.requests]).toHaveLength(0);
    expect((await provider.promptTests.listRuns(suiteId)).length).toBe(0);
  });

  it('refuse a provider the organization has not configured — for the answers or the judge — with 409 naming it, before anything is queued', async () => {
    const { path, suiteId } = await promptWithSuite(['Hello there']);
    for (const [body, named] of [
      [{ version: 1, provider: 'ollama' }, 'ollama'],
      [{ version: 1, judgeProvider: 'openrouter', judgeModel: 'any' }, 'openrouter'],
      [{ version: 1, provider: 'anthropic', judgeProvider: 'custom' }, 'custom'],
    ] as const) {
      const response = await startRun(path, suiteId, body);
      expect(response.status, JSON.stringify(body)).toBe(409);
      expect(errorOf(response)).toMatchObject({ code: 'ai_disabled', message: expect.stringContaining(named) });
    }
    const playground = await withAi.post(`${path}/versions/1/playground`, { provider: 'ollama', messages: [{ role: 'user', content: 'Hi' }] }, { session: owner });
    expect(errorOf(playground)).toMatchObject({ code: 'ai_disabled', message: expect.stringContaining('ollama') });
    expect(await provider.promptTests.listRuns(suiteId)).toEqual([]);
    expect([...fake.requests, ...anthropic.requests]).toHaveLength(0);
  });
});
