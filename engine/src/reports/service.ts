import type { ReportRun } from '../data/reports.js';
import { NotFoundError } from '../errors.js';
import type { Services } from '../http/services.js';
import { requireProject } from '../projects/service.js';
import { requirePrompt } from '../prompts/service.js';
import { REPORT_JOB, type ReportJob } from './job.js';
import { DEFAULT_RUN_CONVERSATIONS } from './schema.js';

export interface StartRunRequest {
  organizationId: string;
  projectId: string;
  key: string;
  version?: number;
  limit?: number;
  force?: boolean;
  userId: string;
}

/**
 * Queues a report run for a prompt: 409 ai_disabled (and 429 over the organization's AI limit) before
 * anything is queued. The job writes the reports; the run row is its progress.
 */
export async function startReportRun(services: Services, request: StartRunRequest) {
  const project = await requireProject(services, request.organizationId, request.projectId);
  const prompt = await requirePrompt(services, project.id, request.key);
  // The session is not used here: asking for it checks that AI is on and counts the request.
  await services.ai.forRequest({ organizationId: request.organizationId, projectId: project.id, userId: request.userId, feature: 'reports' });
  const run = await services.provider.reports.createRun({
    organizationId: request.organizationId,
    projectId: project.id,
    promptId: prompt.id,
    versionNumber: request.version ?? null,
    force: request.force ?? false,
    conversationLimit: request.limit ?? DEFAULT_RUN_CONVERSATIONS,
    createdBy: request.userId,
  });
  // No retries: a run interrupted half-way is reported failed; starting another picks up where it stopped.
  await services.provider.jobs.enqueue<ReportJob>(REPORT_JOB, { runId: run.id, projectId: project.id, promptKey: request.key }, { retryLimit: 0 });
  return runView(run, request.key);
}

/** A run's progress (404 for a run of another project or prompt). */
export async function reportRunProgress(services: Services, organizationId: string, projectId: string, key: string, runId: string) {
  const project = await requireProject(services, organizationId, projectId);
  const prompt = await services.provider.prompts.get(project.id, key);
  const run = prompt ? await services.provider.reports.getRun(project.id, runId) : null;
  if (!prompt || !run || run.promptId !== prompt.id) throw new NotFoundError('Report run', 'report_run_not_found');
  return runView(run, key);
}

/** The prompt's newest run, so a page opened while one goes can show it. */
export async function latestReportRun(services: Services, organizationId: string, projectId: string, key: string) {
  const project = await requireProject(services, organizationId, projectId);
  const prompt = await services.provider.prompts.get(project.id, key);
  const run = prompt ? await services.provider.reports.latestRun(project.id, prompt.id) : null;
  return { run: run ? runView(run, key) : null };
}

function runView(run: ReportRun, promptKey: string) {
  const { organizationId: _organizationId, projectId: _projectId, promptId: _promptId, createdBy: _createdBy, versionNumber, ...shown } = run;
  return { ...shown, promptKey, promptVersion: versionNumber };
}
