import type { TaskProgress } from './core/tasks.js';

/** Draws a task's progress on stderr: a redrawn bar on a terminal, one line per new message elsewhere. */
export class ProgressPrinter {
  private lastMessage = '';
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(progress: TaskProgress): void {
    if (!this.stream.isTTY) {
      if (progress.message !== this.lastMessage) this.stream.write(`${progress.message}\n`);
      this.lastMessage = progress.message;
      return;
    }
    const width = 30;
    const bar = progress.fraction === undefined ? '' : `[${'#'.repeat(Math.round(progress.fraction * width)).padEnd(width, '.')}] ${Math.round(progress.fraction * 100)}% `;
    const columns = this.stream.columns ?? 80;
    this.stream.write(`\r\x1b[K${`${bar}${progress.message}`.slice(0, columns - 1)}`);
    this.drawn = true;
    this.lastMessage = progress.message;
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
