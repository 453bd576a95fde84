import { aiInstructions } from '../ai/instructions.js';
import { generateObject } from '../ai/structured.js';
import type { AiProvider, AiProviderName } from '../ai/types.js';
import type { CaseResultInput, TestCase, TestRun } from '../data/prompt-tests.js';
import type { PromptVersionView } from '../data/prompts.js';
import { AppError } from '../errors.js';
import type { Services } from '../http/services.js';
import { requireProject } from '../projects/service.js';
import { keepFailingInterruptedRuns, RUN_RETRIES } from '../reports/interrupted-runs.js';
import { resolveOrThrow } from '../prompts/service.js';
import { compileVersion, versionText } from './compile.js';
import { judgeReply } from './schema.js';
import { requireSuite, runShown, type Actor } from './suites.js';

export const TEST_RUN_JOB = 'prompt-tests.run';
export interface TestRunJob {
  runId: string;
  organizationId: string;
  projectId: string;
  promptKey: string;
}

/** Runs suite runs on this replica, and fails the runs an engine left behind (see reports/interrupted-runs.ts). */
export async function startTestRunWorker(services: Services): Promise<void> {
  await services.provider.jobs.work<TestRunJob>(TEST_RUN_JOB, (job) => runSuite(services, job));
  await keepFailingInterruptedRuns(services, services.provider.promptTests, { jobName: TEST_RUN_JOB, sweepJobName: 'prompt-tests.fail-interrupted' });
}

/** What a run is answered with, and what judges it. */
export interface RunChoice {
  provider?: AiProviderName;
  model?: string;
  judgeProvider?: AiProviderName;
  judgeModel?: string;
}

/** The judge defaults to the run's provider, and to the run's model on that provider (another provider's is its own default). */
function storedChoice({ provider, model, judgeProvider, judgeModel }: RunChoice): Pick<TestRun, 'provider' | 'model' | 'judgeProvider' | 'judgeModel'> {
  const judgedOnRunProvider = judgeProvider === undefined || judgeProvider === provider;
  return {
    provider: provider ?? null,
    model: model ?? null,
    judgeProvider: judgeProvider ?? provider ?? null,
    judgeModel: judgeModel ?? (judgedOnRunProvider ? (model ?? null) : null),
  };
}

/**
 * Queues a run of a suite against a version, provider and model, with its judge: 409 ai_disabled
 * naming a provider the organization cannot use (429 over its AI limit) before anything is queued.
 * The job answers each case and has the judge score it; the run row is its progress.
 */
export async function startTestRun(services: Services, actor: Actor, suiteId: string, options: RunChoice & { version: number }) {
  const { scope } = await requireSuite(services, actor.organizationId, actor.projectId, actor.key, suiteId);
  const resolved = await resolveOrThrow(services, scope.projectId, actor.key, { version: options.version });
  const choice = storedChoice(options);
  if (choice.judgeProvider !== choice.provider) await services.ai.assertAvailable(actor.organizationId, { provider: choice.judgeProvider ?? undefined });
  // The session is not used here: asking for it checks that the run's provider is available and counts the request.
  await services.ai.forRequest({ organizationId: actor.organizationId, projectId: scope.projectId, userId: actor.userId, feature: 'test-run' }, { provider: choice.provider ?? undefined });
  const store = services.provider.promptTests;
  const cases = await store.listCases(suiteId);
  const run = await store.createRun({ suiteId, versionId: resolved.version.id, version: resolved.version.version, ...choice, casesTotal: cases.length, createdBy: actor.userId });
  try {
    await services.provider.jobs.enqueue<TestRunJob>(TEST_RUN_JOB, { runId: run.id, organizationId: actor.organizationId, projectId: scope.projectId, promptKey: actor.key }, { retryLimit: RUN_RETRIES });
  } catch (error) {
    await store.updateRun(run.id, { status: 'failed', error: 'The run could not be queued', finishedAt: new Date() });
    throw error;
  }
  await services.provider.aiUsage.countRuns(actor.organizationId, 'tests');
  return runShown(run);
}

/**
 * One run: each case answered by the version with the run's provider and model, then judged criterion
 * by criterion with the judge's (a session each, so usage is recorded as `test-run` and `test-judge`).
 * The handler holds the run while it works: a second delivery of the job stands aside while it is
 * held, and otherwise resumes the run, answering only the cases without a result yet.
 */
export async function runSuite(services: Services, job: TestRunJob): Promise<void> {
  const held = await services.provider.promptTests.withRunHeld(job.runId, () => runHeldSuite(services, job));
  if (!held) services.logger.info({ runId: job.runId }, 'Test run already being run by another handler; this delivery stands aside');
}

async function runHeldSuite(services: Services, job: TestRunJob): Promise<void> {
  const store = services.provider.promptTests;
  const run = await store.getRun(job.runId);
  if (!run || (run.status !== 'queued' && run.status !== 'running')) return;
  // Resuming: the cases answered before the interruption keep their results (and stay counted once in the version's averages).
  const earlier = run.status === 'running' ? await store.caseResults(run.id) : [];
  const tally = { casesDone: earlier.length, passed: 0, failed: 0, errored: 0 };
  for (const result of earlier) tally[result.status]++;
  const answered = new Set(earlier.map((result) => result.caseId));
  await store.updateRun(run.id, { status: 'running' });
  try {
    const project = await requireProject(services, job.organizationId, job.projectId);
    const resolved = await resolveOrThrow(services, project.id, job.promptKey, { version: run.version });
    const cases = await store.listCases(run.suiteId);
    await store.updateRun(run.id, { casesTotal: cases.length });
    const scope = { organizationId: job.organizationId, projectId: project.id, userId: run.createdBy };
    const sessions: RunSessions = {
      answering: (await services.ai.forJob({ ...scope, feature: 'test-run' }, { provider: run.provider ?? undefined })).provider,
      judging: (await services.ai.forJob({ ...scope, feature: 'test-judge' }, { provider: run.judgeProvider ?? undefined })).provider,
    };
    const judgeInstructions = await aiInstructions(services, job.organizationId, 'forprompt.judge');
    for (const testCase of cases.filter((candidate) => !answered.has(candidate.id))) {
      const result = await runCase(sessions, run, resolved.version, testCase, judgeInstructions.text);
      await store.saveCaseResult(run.id, result);
      tally[result.status]++;
      tally.casesDone++;
      await store.updateRun(run.id, tally);
    }
    await store.updateRun(run.id, { ...tally, status: 'completed', finishedAt: new Date() });
  } catch (error) {
    services.logger.warn({ err: error, runId: run.id }, 'Test run failed');
    await store.updateRun(run.id, { ...tally, status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: new Date() });
  }
}

/** The run's sessions: one answers the cases, the other judges the answers. */
interface RunSessions {
  answering: AiProvider;
  judging: AiProvider;
}

/**
 * One case: the answer, then the judge's verdicts. A failing model call, a missing variable or a judge
 * reply still invalid after the one repair marks the case `errored` — no verdict is made up.
 */
async function runCase(sessions: RunSessions, run: TestRun, version: PromptVersionView, testCase: TestCase, judgeInstructions: string): Promise<CaseResultInput> {
  const base = { caseId: testCase.id, response: null, verdicts: [], inputTokens: null, outputTokens: null, latencyMs: null };
  let answer;
  const started = Date.now();
  try {
    const compiled = compileVersion(version, testCase.variables);
    answer = await sessions.answering.chat({ model: run.model ?? undefined, system: compiled.system || undefined, messages: [...compiled.messages, { role: 'user', content: testCase.input }] });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ...base, status: 'errored', error: `The answer failed: ${error.message}` };
  }
  const answered = { ...base, response: answer.text, inputTokens: answer.usage.inputTokens, outputTokens: answer.usage.outputTokens, latencyMs: Date.now() - started };
  try {
    const judged = await generateObject(sessions.judging, judgeReply(testCase.criteria.length), {
      model: run.judgeModel ?? undefined,
      system: judgeInstructions,
      messages: [{ role: 'user', content: judgeContent(version, testCase, answer.text) }],
    });
    const verdicts = judged.object.verdicts.map((verdict, index) => ({ ...verdict, criterion: testCase.criteria[index]! }));
    return { ...answered, verdicts, status: verdicts.every((verdict) => verdict.passed) ? 'passed' : 'failed', error: null };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ...answered, status: 'errored', error: `The judge failed: ${error.message}` };
  }
}

function judgeContent(version: PromptVersionView, testCase: TestCase, answer: string): string {
  return [
    `System prompt:\n<prompt>\n${versionText(version)}\n</prompt>`,
    Object.keys(testCase.variables).length > 0 ? `Variables: ${JSON.stringify(testCase.variables)}` : null,
    `User input:\n<input>\n${testCase.input}\n</input>`,
    `Answer:\n<answer>\n${answer}\n</answer>`,
    `Criteria (one verdict each, in this order):\n${testCase.criteria.map((criterion, index) => `${index + 1}. ${criterion}`).join('\n')}`,
  ]
    .filter(Boolean)
    .join('\n\n');
}
