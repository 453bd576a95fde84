import { aiInstructions } from '../ai/instructions.js';
import { generateObject } from '../ai/structured.js';
import type { WriteContext } from '../data/provider.js';
import type { CaseResult, SuiteScope, TestCaseFields, TestRun, TestSuite } from '../data/prompt-tests.js';
import type { PromptSummary } from '../data/prompts.js';
import { NotFoundError } from '../errors.js';
import type { Services } from '../http/services.js';
import { requireProject } from '../projects/service.js';
import { requirePrompt, resolveOrThrow } from '../prompts/service.js';
import { versionText } from './compile.js';
import { generatedSuiteReply } from './schema.js';

export interface Actor {
  organizationId: string;
  projectId: string;
  key: string;
  userId: string;
  ctx: WriteContext;
}

/** The metadata fields the generator is shown. */
const metadataFields = ['description', 'purpose', 'expectedBehavior', 'inputFormat', 'outputFormat', 'constraints', 'useCases', 'additionalNotes'] as const;

/** The prompt of a suite route, with the audit scope (404 for a prompt not in the organization's project). */
export async function promptScope(services: Services, organizationId: string, projectId: string, key: string): Promise<{ prompt: PromptSummary; scope: SuiteScope }> {
  const project = await requireProject(services, organizationId, projectId);
  const prompt = await requirePrompt(services, project.id, key);
  return { prompt, scope: { organizationId, projectId: project.id, promptId: prompt.id, promptKey: key } };
}

export async function requireSuite(services: Services, organizationId: string, projectId: string, key: string, suiteId: string) {
  const { prompt, scope } = await promptScope(services, organizationId, projectId, key);
  const suite = await services.provider.promptTests.getSuite(prompt.id, suiteId);
  if (!suite) throw new NotFoundError('Test suite', 'test_suite_not_found');
  return { prompt, scope, suite };
}

/**
 * Has the organization's model write a suite of test cases for a version from its text and the
 * prompt's metadata (`forprompt.test-generate`). An invalid reply after the one repair is a 502 and
 * nothing is stored.
 */
export async function generateSuite(services: Services, actor: Actor, options: { version?: number; model?: string; count: number; name?: string; signal?: AbortSignal }) {
  const { prompt, scope } = await promptScope(services, actor.organizationId, actor.projectId, actor.key);
  const resolved = await resolveOrThrow(services, scope.projectId, actor.key, options.version ? { version: options.version } : { label: 'latest' });
  const { provider } = await services.ai.forRequest({ organizationId: actor.organizationId, projectId: scope.projectId, userId: actor.userId, feature: 'test-generate' });
  const instructions = await aiInstructions(services, actor.organizationId, 'forprompt.test-generate');
  const metadata = metadataFields.filter((field) => typeof prompt[field] === 'string' && prompt[field].trim()).map((field) => `${field}: ${String(prompt[field]).trim()}`);
  const variables = resolved.version.variables;
  const content = [
    `Prompt "${prompt.name}" (key ${prompt.key}), version ${resolved.version.version}:\n<prompt>\n${versionText(resolved.version)}\n</prompt>`,
    metadata.length > 0 ? `Metadata:\n${metadata.join('\n')}` : 'The prompt has no metadata.',
    variables.length > 0 ? `Variables every case must give a value for: ${variables.join(', ')}` : 'The prompt has no variables: give each case empty variables.',
    `Write ${options.count} test cases.`,
  ].join('\n\n');
  const generated = await generateObject(provider, generatedSuiteReply, { model: options.model, system: instructions.text, messages: [{ role: 'user', content }], signal: options.signal });
  const cases: TestCaseFields[] = generated.object.cases.map((testCase) => ({ input: testCase.input, variables: testCase.variables, criteria: testCase.criteria }));
  const suite = await services.provider.promptTests.createSuite(
    actor.ctx,
    scope,
    { name: options.name ?? `Generated from version ${resolved.version.version}`, generatedFromVersion: resolved.version.version, model: generated.model, createdBy: actor.userId },
    cases,
  );
  return suiteDetail(services, suite.id, suite);
}

export async function listSuites(services: Services, organizationId: string, projectId: string, key: string) {
  const { prompt } = await promptScope(services, organizationId, projectId, key);
  return { suites: await services.provider.promptTests.listSuites(prompt.id) };
}

export async function getSuite(services: Services, organizationId: string, projectId: string, key: string, suiteId: string) {
  const { suite } = await requireSuite(services, organizationId, projectId, key, suiteId);
  return suiteDetail(services, suiteId, suite);
}

/** Errored cases were not judged, so they count neither way. */
export const passRateOf = (run: Pick<TestRun, 'passed' | 'failed'>) => (run.passed + run.failed > 0 ? run.passed / (run.passed + run.failed) : null);

export function runShown(run: TestRun) {
  const { versionId: _versionId, createdBy: _createdBy, ...shown } = run;
  return { ...shown, passRate: passRateOf(run) };
}

async function suiteDetail(services: Services, suiteId: string, suite: TestSuite) {
  const store = services.provider.promptTests;
  const [cases, runs] = await Promise.all([store.listCases(suiteId), store.listRuns(suiteId)]);
  const newestCompleted = new Map<number, TestRun>();
  for (const run of runs) if (run.status === 'completed' && !newestCompleted.has(run.version)) newestCompleted.set(run.version, run);
  const passRateByVersion = [...newestCompleted.values()].sort((a, b) => a.version - b.version).map((run) => ({ version: run.version, runId: run.id, provider: run.provider, model: run.model, judgeProvider: run.judgeProvider, judgeModel: run.judgeModel, passRate: passRateOf(run) }));
  // What each case did in the newest finished run: why it failed or errored, next to the case.
  const latest = runs.find((run) => run.status === 'completed') ?? null;
  const latestResults = latest ? (await store.caseResults(latest.id)).map((result) => ({ caseId: result.caseId, ...shownResult(result)! })) : [];
  return { suite, cases, runs: runs.map(runShown), passRateByVersion, latestRun: latest ? { runId: latest.id, version: latest.version, results: latestResults } : null };
}

const shownResult = (result: CaseResult | undefined) => (result ? { status: result.status, response: result.response, verdicts: result.verdicts, error: result.error, latencyMs: result.latencyMs } : null);

export async function deleteSuite(services: Services, actor: Actor, suiteId: string) {
  const { scope } = await requireSuite(services, actor.organizationId, actor.projectId, actor.key, suiteId);
  await services.provider.promptTests.deleteSuite(actor.ctx, scope, suiteId);
}

export async function addCase(services: Services, actor: Actor, suiteId: string, fields: TestCaseFields) {
  const { scope } = await requireSuite(services, actor.organizationId, actor.projectId, actor.key, suiteId);
  return services.provider.promptTests.addCase(actor.ctx, scope, suiteId, fields);
}

export async function updateCase(services: Services, actor: Actor, suiteId: string, caseId: string, fields: Partial<TestCaseFields>) {
  const { scope } = await requireSuite(services, actor.organizationId, actor.projectId, actor.key, suiteId);
  const updated = await services.provider.promptTests.updateCase(actor.ctx, scope, suiteId, caseId, fields);
  if (!updated) throw new NotFoundError('Test case', 'test_case_not_found');
  return updated;
}

export async function deleteCase(services: Services, actor: Actor, suiteId: string, caseId: string) {
  const { scope } = await requireSuite(services, actor.organizationId, actor.projectId, actor.key, suiteId);
  if (!(await services.provider.promptTests.deleteCase(actor.ctx, scope, suiteId, caseId))) throw new NotFoundError('Test case', 'test_case_not_found');
}

/** Two versions side by side on a suite: each one's newest completed run, and every case's result in both. */
export async function compareVersions(services: Services, organizationId: string, projectId: string, key: string, suiteId: string, versions: { from?: number; to?: number }) {
  const { prompt } = await requireSuite(services, organizationId, projectId, key, suiteId);
  const to = versions.to ?? prompt.latestVersion ?? 1;
  const from = versions.from ?? Math.max(1, to - 1);
  const store = services.provider.promptTests;
  const [cases, runs] = await Promise.all([store.listCases(suiteId), store.listRuns(suiteId, 200)]);
  const newest = (version: number) => runs.find((run) => run.version === version && run.status === 'completed') ?? null;
  const fromRun = newest(from);
  const toRun = newest(to);
  const resultsOf = async (run: TestRun | null) => new Map((run ? await store.caseResults(run.id) : []).map((result) => [result.caseId, result]));
  const [fromResults, toResults] = await Promise.all([resultsOf(fromRun), resultsOf(toRun)]);
  return {
    from: { version: from, run: fromRun ? runShown(fromRun) : null },
    to: { version: to, run: toRun ? runShown(toRun) : null },
    cases: cases.map((testCase) => ({ caseId: testCase.id, input: testCase.input, criteria: testCase.criteria, from: shownResult(fromResults.get(testCase.id)), to: shownResult(toResults.get(testCase.id)) })),
  };
}
