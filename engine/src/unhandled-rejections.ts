import { isOwnDatabaseUnavailable } from './data/postgres/database.js';
import type { Logger } from './logger.js';

/** What the engine logs when it rides out a rejection left by background work during a database outage. */
export const LOST_DATABASE_REJECTION_MESSAGE =
  'Unhandled rejection from a lost database connection (background work while PostgreSQL was away); the engine keeps running';

/**
 * The engine's `unhandledRejection` listener. pg-boss records a finished job's completion or failure
 * without awaiting it (pg-boss 10, `Manager.watch`), so a job that ends while the database is away
 * leaves a rejected promise nobody handles — by default the end of the process, where the engine
 * should ride out an outage (issue 7). Such a rejection is logged and the job runs again when its
 * expiry passes. Only the database's own failures are kept alive (a code PostgreSQL or the socket gave
 * the driver, or the driver's connection messages); any other unhandled rejection is a bug and still
 * ends the process, as Node would.
 */
export function unhandledRejectionListener(logger: Logger): (reason: unknown) => void {
  return (reason) => {
    if (isOwnDatabaseUnavailable(reason)) {
      logger.error({ err: reason }, LOST_DATABASE_REJECTION_MESSAGE);
      return;
    }
    throw reason;
  };
}
