/**
 * A backup that cannot be written, read or restored: a corrupt or truncated archive, a checksum
 * that does not match, a format or schema this version cannot handle. `table` names the table
 * concerned, when there is one.
 */
export class BackupError extends Error {
  readonly table: string | undefined;

  constructor(message: string, options: { table?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BackupError';
    this.table = options.table;
  }
}
