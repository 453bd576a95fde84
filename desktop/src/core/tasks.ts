import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from './files.js';

export const taskKinds = ['up', 'down', 'pull', 'provision', 'migrate', 'backup', 'restore', 'update', 'model-pull'] as const;
export type TaskKind = (typeof taskKinds)[number];

const layerSchema = z.object({ status: z.string(), current: z.number().optional(), total: z.number().optional() });
const progressSchema = z.object({
  /** What is happening now, in words. */
  message: z.string(),
  /** 0..1 when the amount of work is known. */
  fraction: z.number().min(0).max(1).optional(),
  /** Per-layer pull progress, keyed by layer id. */
  layers: z.record(z.string(), layerSchema).optional(),
});
export type TaskProgress = z.infer<typeof progressSchema>;

const taskSnapshotSchema = z.object({
  id: z.string(),
  kind: z.enum(taskKinds),
  title: z.string(),
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  progress: progressSchema,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
  /** A short account of what the task produced (e.g. the backup file). */
  outcome: z.string().optional(),
});
export type TaskSnapshot = z.infer<typeof taskSnapshotSchema>;

const historySchema = z.object({ tasks: z.array(taskSnapshotSchema) });

export class TaskCancelledError extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'TaskCancelledError';
  }
}

export interface TaskContext {
  readonly signal: AbortSignal;
  report(progress: TaskProgress): void;
}

export interface RunningTask<T> {
  readonly id: string;
  readonly result: Promise<T>;
}

const HISTORY_LIMIT = 100;
// Progress arrives many times a second during a pull; the history file is written at most this often.
const SAVE_INTERVAL_MS = 1_000;

/**
 * Every long operation runs as a task: progress, a cancel (AbortSignal), a final state, and a history
 * kept in `manager/tasks.json`, so progress survives leaving the page (or restarting the manager).
 * Emits `change` with a snapshot on every update.
 */
export class TaskManager extends EventEmitter<{ change: [TaskSnapshot] }> {
  private readonly tasks = new Map<string, TaskSnapshot>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly file: string | undefined;
  private loaded: Promise<void> | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  /** `directory` undefined keeps the history in memory only. */
  constructor(directory?: string) {
    super();
    this.file = directory ? path.join(directory, 'tasks.json') : undefined;
  }

  /** Loads the history; a task that was running when the manager stopped is recorded as failed. */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      if (!this.file) return;
      const history = await readJsonFile(this.file, historySchema).catch(() => undefined);
      for (const task of [...(history?.tasks ?? [])].reverse()) {
        this.tasks.set(task.id, task.state === 'running' ? { ...task, state: 'failed', error: 'Interrupted: the manager stopped while this was running', endedAt: task.endedAt ?? task.startedAt } : task);
      }
    })();
    return this.loaded;
  }

  run<T>(kind: TaskKind, title: string, work: (context: TaskContext) => Promise<T>, describe?: (result: T) => string): RunningTask<T> {
    const id = randomUUID();
    const controller = new AbortController();
    this.controllers.set(id, controller);
    this.update({ id, kind, title, state: 'running', progress: { message: 'Starting' }, startedAt: new Date().toISOString() });
    const context: TaskContext = {
      signal: controller.signal,
      report: (progress) => {
        const task = this.tasks.get(id);
        if (task?.state === 'running') this.update({ ...task, progress });
      },
    };
    const result = (async () => {
      await this.load();
      try {
        const value = await work(context);
        this.finish(id, { state: 'done', outcome: describe?.(value), progress: { message: 'Done', fraction: 1 } });
        return value;
      } catch (error) {
        const cancelled = controller.signal.aborted || error instanceof TaskCancelledError;
        this.finish(id, cancelled ? { state: 'cancelled', error: 'Cancelled' } : { state: 'failed', error: errorMessage(error) });
        throw error;
      } finally {
        this.controllers.delete(id);
      }
    })();
    // The caller holds `result`; an unobserved failure must not crash the process (it is in the history).
    result.catch(() => {});
    return { id, result };
  }

  /** Asks a running task to stop; true when it was running. */
  cancel(id: string): boolean {
    const controller = this.controllers.get(id);
    if (!controller) return false;
    controller.abort(new TaskCancelledError());
    return true;
  }

  get(id: string): TaskSnapshot | undefined {
    return this.tasks.get(id);
  }

  /** Newest first. */
  list(): TaskSnapshot[] {
    return [...this.tasks.values()].reverse().sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Writes any pending history now (call before exiting). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.save();
    }
    await this.saving;
  }

  private finish(id: string, final: Partial<TaskSnapshot>): void {
    const task = this.tasks.get(id);
    if (!task) return;
    this.update({ ...task, ...final, progress: final.progress ?? task.progress, endedAt: new Date().toISOString() });
    void this.flush();
  }

  private update(task: TaskSnapshot): void {
    this.tasks.set(task.id, task);
    this.emit('change', task);
    if (this.file && !this.saveTimer) {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        this.save();
      }, SAVE_INTERVAL_MS);
      this.saveTimer.unref();
    }
  }

  private save(): void {
    const file = this.file;
    if (!file) return;
    const tasks = this.list().slice(0, HISTORY_LIMIT);
    this.saving = this.saving.then(() => writeFileAtomic(file, `${JSON.stringify({ tasks }, null, 2)}\n`, 0o600)).catch(() => {});
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Throws the signal's reason (a TaskCancelledError) when the task has been cancelled. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new TaskCancelledError();
}
