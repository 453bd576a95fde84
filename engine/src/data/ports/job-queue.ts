export interface EnqueueOptions {
  /** At most one job per key within `dedupeWindowSeconds` (e.g. one retention run per project per hour). */
  dedupeKey?: string;
  /** Default 60. */
  dedupeWindowSeconds?: number;
  startAfterSeconds?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
}

export type JobHandler<T> = (payload: T, job: { id: string; name: string }) => Promise<void>;

/** Background work shared by engine replicas: each job runs once, on one of them, with retries. */
export interface JobQueue {
  enqueue<T extends object>(name: string, payload: T, options?: EnqueueOptions): Promise<string | null>;
  /** `pollSeconds`: how often an idle worker looks for work (default 1). */
  work<T extends object>(name: string, handler: JobHandler<T>, options?: { concurrency?: number; pollSeconds?: number }): Promise<void>;
  /**
   * Ends the deliveries of jobs that are working but whose handler is gone (its engine was killed):
   * each is retried (after its retry delay) while it has retries left, else failed. `reason` is kept with the job.
   */
  retryAbandoned(name: string, jobIds: string[], reason: string): Promise<void>;
  /** Runs `name` on a cron schedule (UTC), once across all replicas. */
  schedule<T extends object>(name: string, cron: string, payload: T): Promise<void>;
  close(): Promise<void>;
}
