import type { Manager } from './core/manager.js';
import type { RunningTask, TaskSnapshot } from './core/tasks.js';
import { ProgressPrinter } from './progress.js';

export interface CliContext {
  manager: Manager;
  json: boolean;
  print(text: string): void;
}

/** Waits for a task, drawing its progress (Ctrl-C cancels it); a failure becomes the command's error. */
export async function follow<T>(manager: Manager, task: RunningTask<T>, json: boolean): Promise<T> {
  const printer = new ProgressPrinter();
  const onChange = (snapshot: TaskSnapshot) => {
    if (snapshot.id === task.id && !json) printer.update(snapshot.progress);
  };
  manager.tasks.on('change', onChange);
  const cancel = () => manager.tasks.cancel(task.id);
  process.once('SIGINT', cancel);
  try {
    return await task.result;
  } finally {
    printer.done();
    process.off('SIGINT', cancel);
    manager.tasks.off('change', onChange);
    await manager.tasks.flush();
  }
}
