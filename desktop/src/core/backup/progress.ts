/** Where a backup, verify or restore is: the table at hand and how far through the tables. */
export interface BackupProgress {
  phase: 'export' | 'write' | 'verify' | 'restore' | 'check';
  table: string;
  /** Rows and bytes (uncompressed COPY text) of `table` done so far. */
  rows: number;
  bytes: number;
  tablesDone: number;
  tablesTotal: number;
}

export type ProgressListener = (progress: BackupProgress) => void;

/** Passes progress on at most every `intervalMs`, and always when a table is finished. */
export class ProgressThrottle {
  private last = 0;

  constructor(
    private readonly listener: ProgressListener | undefined,
    private readonly intervalMs = 100,
  ) {}

  report(progress: BackupProgress, force = false): void {
    if (!this.listener) return;
    const now = performance.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    this.listener(progress);
  }
}
