import type { DataProvider } from '../data/provider.js';
import type { Logger } from '../logger.js';

const JOB = 'maintenance.purge-expired';

/**
 * Hourly, on one replica: delete expired sessions, rate-limit windows, idempotency keys, reset links
 * and old webhook ids, so those tables stay small.
 */
export async function scheduleMaintenance(provider: DataProvider, logger: Logger): Promise<void> {
  await provider.jobs.work(
    JOB,
    async () => {
      const purged = await provider.maintenance.purgeExpired();
      logger.info({ purged }, 'Purged expired rows');
    },
    { pollSeconds: 60 },
  );
  await provider.jobs.schedule(JOB, '17 * * * *', {});
}
