import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from '../../../logger.js';
import type { EnqueueOptions, JobHandler, JobQueue } from '../../ports/job-queue.js';

/**
 * Creates or upgrades pg-boss's `pgboss` schema on the given connection. Runs with the database
 * migrations (under their advisory lock), so the engine needs no DDL rights at run time.
 */
export async function installJobQueueSchema(client: pg.PoolClient): Promise<void> {
  const { default: PgBossClass } = await import('pg-boss');
  const boss = new PgBossClass({
    db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) },
    migrate: true,
    supervise: false,
    schedule: false,
  });
  await boss.start();
  await boss.stop({ graceful: false, wait: true, close: false });
}

/**
 * The job queue on pg-boss (its own `pgboss` schema in the same database). Started lazily on first
 * use, so an engine that never queues work pays nothing for it at boot.
 */
export class PgBossJobQueue implements JobQueue {
  private boss: Promise<PgBoss> | null = null;
  private readonly queues = new Set<string>();
  private creating: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  async enqueue<T extends object>(name: string, payload: T, options: EnqueueOptions = {}): Promise<string | null> {
    const boss = await this.queue(name);
    return boss.send(name, payload, {
      ...(options.dedupeKey && { singletonKey: options.dedupeKey, singletonSeconds: options.dedupeWindowSeconds ?? 60 }),
      startAfter: options.startAfterSeconds,
      retryLimit: options.retryLimit ?? 3,
      retryDelay: options.retryDelaySeconds ?? 5,
      retryBackoff: true,
    });
  }

  async work<T extends object>(name: string, handler: JobHandler<T>, options: { concurrency?: number; pollSeconds?: number } = {}): Promise<void> {
    const boss = await this.queue(name);
    for (let worker = 0; worker < (options.concurrency ?? 1); worker++) {
      await boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: options.pollSeconds ?? 1 }, async (jobs) => {
        for (const job of jobs) await handler(job.data, { id: job.id, name: job.name });
      });
    }
  }

  async retryAbandoned(name: string, jobIds: string[], reason: string): Promise<void> {
    if (jobIds.length === 0) return;
    const boss = await this.queue(name);
    // (pg-boss keeps data with a failure only one job at a time.)
    for (const id of jobIds) await boss.fail(name, id, { message: reason });
  }

  async schedule<T extends object>(name: string, cron: string, payload: T): Promise<void> {
    const boss = await this.queue(name);
    await boss.schedule(name, cron, payload, { tz: 'UTC' });
  }

  async close(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    if (boss) await (await boss).stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  private async queue(name: string): Promise<PgBoss> {
    const boss = await this.start();
    if (!this.queues.has(name)) {
      // pg-boss creates a queue with DDL: two at once (here, or on another replica) can deadlock, so
      // this process creates one at a time and retries a deadlock victim.
      const create = this.creating.then(async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await boss.createQueue(name);
          } catch (error) {
            if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
            await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
          }
        }
      });
      this.creating = create.catch(() => undefined);
      await create;
      this.queues.add(name);
    }
    return boss;
  }

  private start(): Promise<PgBoss> {
    this.boss ??= (async () => {
      const { default: PgBossClass } = await import('pg-boss');
      // The schema is installed by the migrations (installJobQueueSchema); here it is only checked.
      const boss = new PgBossClass({ connectionString: this.connectionString, max: 3, application_name: 'forprompt-jobs', migrate: false });
      boss.on('error', (error) => this.logger.error({ err: error }, 'Job queue error'));
      await boss.start();
      return boss;
    })();
    // A failed start (database away) must not be remembered: the next use tries again.
    this.boss.catch(() => {
      this.boss = null;
    });
    return this.boss;
  }
}
