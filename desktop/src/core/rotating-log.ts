import fs from 'node:fs';
import path from 'node:path';

/**
 * An append-only log file capped at `maxBytes`: when full it becomes `<name>.1` (older ones shift up
 * to `<name>.<keep>`, the oldest is dropped). Synchronous writes keep the order of interleaved streams.
 */
export class RotatingLog {
  private fd: number | undefined;
  private size = 0;

  constructor(
    readonly file: string,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly keep = 3,
  ) {}

  write(text: string | Buffer): void {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    if (this.fd === undefined) this.open();
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    fs.writeSync(this.fd!, bytes);
    this.size += bytes.length;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** The last `lines` lines of the current file (and the previous one when the current is short). */
  tail(lines = 50): string {
    const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    let text = read(this.file);
    if (text.split('\n').length <= lines) text = read(`${this.file}.1`) + text;
    return text.split('\n').slice(-lines - 1).join('\n');
  }

  private open(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    this.fd = fs.openSync(this.file, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    for (let index = this.keep - 1; index >= 1; index--) {
      const from = `${this.file}.${index}`;
      if (fs.existsSync(from)) fs.renameSync(from, `${this.file}.${index + 1}`);
    }
    fs.renameSync(this.file, `${this.file}.1`);
    this.open();
  }
}
