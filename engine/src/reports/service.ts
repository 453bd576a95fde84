import type { ReportRun } from '../data/reports.js';
import { NotFoundError } from '../errors.js';
import type { Services } from '../http/services.js';
import { requireProject } from '../projects/service.js';
import { requirePrompt } from '../prompts/service.js';
import { RUN_RETRIES } from './interrupted-runs.js';
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
 * anything is queued. The job writes the reports; the run row is its progress. Idempotent while the
 * prompt has a run queued or running: that run is answered (`created` false) and nothing is queued,
 * so two clicks or two replicas never pay twice for the same conversations.
 */
export async function startReportRun(services: Services, request: StartRunRequest) {
  const project = await requireProject(services, request.organizationId, request.projectId);
  const prompt = await requirePrompt(services, project.id, request.key);
  // The session is not used here: asking for it checks that AI is on and counts the request.
  await services.ai.forRequest({ organizationId: request.organizationId, projectId: project.id, userId: request.userId, feature: 'reports' });
  const store = services.provider.reports;
  const { run, created } = await store.createRun({
    organizationId: request.organizationId,
    projectId: project.id,
    promptId: prompt.id,
    versionNumber: request.version ?? null,
    force: request.force ?? false,
    conversationLimit: request.limit ?? DEFAULT_RUN_CONVERSATIONS,
    createdBy: request.userId,
  });
  if (created) {
    try {
      await services.provider.jobs.enqueue<ReportJob>(REPORT_JOB, { runId: run.id, projectId: project.id, promptKey: request.key }, { retryLimit: RUN_RETRIES });
    } catch (error) {
      await store.updateRun(run.id, { status: 'failed', error: 'The run could not be queued', finishedAt: new Date() });
      throw error;
    }
  }
  return { run: runView(run, request.key), created };
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
