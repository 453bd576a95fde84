import type { RunHolds } from '../data/reports.js';
import type { Services } from '../http/services.js';

/**
 * Deliveries after the first of a run's job. The queue retries a job only when its handler did not
 * finish — the engine stopped, or the job's time ran out — and the handler then resumes the run; the
 * run's own failures end it.
 */
export const RUN_RETRIES = 2;
/** Why a run an engine left queued or running is failed (shown with the run). */
export const INTERRUPTED_ERROR = 'interrupted: the engine stopped while it ran';
/** A run is created, then its job queued: until this old, a run without a job may still be getting one. */
const QUEUEING_GRACE_MS = 2 * 60_000;
const SWEEP_EVERY = '*/5 * * * *';

/** Why a job whose handler's engine stopped is delivered again (kept with the job in pg-boss). */
export const ABANDONED_JOB_REASON = 'its engine stopped while it worked the job';

/**
 * Runs left behind by an engine that stopped (killed, or out of time). A job it was working — nobody
 * holding its run for longer than the queueing grace — is delivered again now rather than when pg-boss's
 * expiry (15 minutes) passes, and the next handler resumes the run. Then the runs of `jobName` that no
 * handler holds and no job will work (its retries spent, or expired) are failed, so that they show
 * failed and can be run again. A run whose job still waits, retries or works is left alone.
 */
export async function failInterruptedRuns(services: Services, runs: RunHolds, jobName: string): Promise<string[]> {
  const abandoned = await runs.abandonedJobs({ jobName, startedBefore: new Date(Date.now() - QUEUEING_GRACE_MS) });
  if (abandoned.length > 0) {
    await services.provider.jobs.retryAbandoned(jobName, abandoned, ABANDONED_JOB_REASON);
    services.logger.warn({ jobName, jobIds: abandoned }, 'Delivering again the jobs of runs whose engine stopped');
  }
  const failed = await runs.failInterruptedRuns({ jobName, createdBefore: new Date(Date.now() - QUEUEING_GRACE_MS), error: INTERRUPTED_ERROR });
  if (failed.length > 0) services.logger.warn({ jobName, runIds: failed }, 'Marked interrupted runs failed');
  return failed;
}

/** At boot, then every five minutes on one replica (the job queue's schedule). */
export async function keepFailingInterruptedRuns(services: Services, runs: RunHolds, jobs: { jobName: string; sweepJobName: string }): Promise<void> {
  await failInterruptedRuns(services, runs, jobs.jobName);
  await services.provider.jobs.work(jobs.sweepJobName, async () => void (await failInterruptedRuns(services, runs, jobs.jobName)), { pollSeconds: 60 });
  await services.provider.jobs.schedule(jobs.sweepJobName, SWEEP_EVERY, {});
}
