import { StartupError } from '../../errors.js';

export type EmbeddedPostgresErrorCode =
  | 'unsupported_platform'
  | 'system_user_failed'
  | 'credentials_missing'
  | 'credentials_rejected'
  | 'data_dir_in_use'
  | 'version_mismatch'
  | 'initdb_failed'
  | 'data_dir_damaged'
  | 'start_failed'
  | 'startup_timeout';

/**
 * Why the embedded PostgreSQL server could not be started. A StartupError, so boot prints it and
 * exits; the message is written for the person at the terminal (what is wrong, what to do) and
 * ends with the server log tail when there is one.
 */
export class EmbeddedPostgresError extends StartupError {
  override readonly name = 'EmbeddedPostgresError';

  constructor(
    readonly code: EmbeddedPostgresErrorCode,
    message: string,
    readonly dataDir: string,
    readonly logTail = '',
  ) {
    super(logTail ? `${message}\n\nLast lines of the PostgreSQL log:\n${logTail}` : message);
  }
}
