import type { DataProvider } from '../data/provider.js';
import type { Logger } from '../logger.js';

const JOB = 'traces.purge-expired';

/** Ingested event ids are kept this long: far past any client's retry of a batch. */
export const EVENT_ID_RETENTION_DAYS = 30;

/** One run: expired traces of every project with a retention setting, then old event ids. */
export async function purgeExpiredTraces(provider: DataProvider, now = new Date()) {
  return provider.traces.purgeExpired({ eventIdsBefore: new Date(now.getTime() - EVENT_ID_RETENTION_DAYS * 86_400_000) });
}

/** Hourly, on one replica (the job queue's schedule): retention per project, in batches of 1,000. */
export async function scheduleTraceRetention(provider: DataProvider, logger: Logger): Promise<void> {
  await provider.jobs.work(
    JOB,
    async () => {
      const purged = await purgeExpiredTraces(provider);
      logger.info({ purged }, 'Purged expired traces');
    },
    { pollSeconds: 60 },
  );
  await provider.jobs.schedule(JOB, '43 * * * *', {});
}
