import type { AiProviderName, ChatMessage } from '../ai/types.js';
import type { Services } from '../http/services.js';
import { requireProject } from '../projects/service.js';
import { requirePrompt, resolveOrThrow } from '../prompts/service.js';
import { compileVersion } from './compile.js';
import { passRateOf } from './suites.js';

export interface PlaygroundRequest {
  organizationId: string;
  projectId: string;
  key: string;
  version: number;
  userId: string;
  /** The organization's provider (Settings › AI) when absent. */
  provider?: AiProviderName;
  model?: string;
  variables: Record<string, string>;
  /** The conversation so far, ending with the user's new message. */
  messages: ChatMessage[];
  signal?: AbortSignal;
}

/**
 * One playground turn: the version (variables filled in) answers the conversation with the chosen
 * provider and model. The answer, its tokens and latency are stored as a test result and rolled into the
 * version's averages; the organization's test counter goes up by one.
 */
export async function runPlayground(services: Services, request: PlaygroundRequest) {
  const project = await requireProject(services, request.organizationId, request.projectId);
  const resolved = await resolveOrThrow(services, project.id, request.key, { version: request.version });
  const compiled = compileVersion(resolved.version, request.variables);
  const { provider } = await services.ai.forRequest({ organizationId: request.organizationId, projectId: project.id, userId: request.userId, feature: 'playground' }, { provider: request.provider });

  const started = Date.now();
  const result = await provider.chat({
    model: request.model,
    system: compiled.system || undefined,
    messages: [...compiled.messages, ...request.messages],
    signal: request.signal,
  });
  const responseTime = Date.now() - started;
  const tokens = result.usage.inputTokens + result.usage.outputTokens;
  const stored = await services.provider.promptTests.recordPlaygroundResult({
    versionId: resolved.version.id,
    provider: provider.name,
    model: result.model,
    variables: request.variables,
    userMessage: request.messages.at(-1)!.content,
    response: result.text,
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    latencyMs: responseTime,
    createdBy: request.userId,
  });
  await services.provider.aiUsage.countRuns(request.organizationId, 'tests');
  const { id: testResultId, ...versionStats } = stored;
  return { response: result.text, tokens, responseTime, provider: provider.name, model: result.model, usage: result.usage, testResultId, versionStats };
}

/** A version's test count (playground turns and suite-run answers) and averages. */
export async function versionTestStats(services: Services, organizationId: string, projectId: string, key: string, version: number) {
  const project = await requireProject(services, organizationId, projectId);
  const resolved = await resolveOrThrow(services, project.id, key, { version });
  return services.provider.promptTests.versionStats(resolved.version.id);
}

/** Every version's test count and averages, with the pass rate of its newest completed suite run (the versions timeline). */
export async function promptTestStats(services: Services, organizationId: string, projectId: string, key: string) {
  const project = await requireProject(services, organizationId, projectId);
  const prompt = await requirePrompt(services, project.id, key);
  const versions = await services.provider.promptTests.versionTestSummaries(prompt.id);
  return { versions: versions.map(({ latestSuiteRun, ...stats }) => ({ ...stats, latestSuiteRun: latestSuiteRun && { ...latestSuiteRun, passRate: passRateOf(latestSuiteRun) } })) };
}
