import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskManager, throwIfCancelled, type TaskSnapshot } from './tasks.js';

describe('tasks', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-tasks-'));
  });
  afterEach(() => fs.rm(directory, { recursive: true, force: true }));

  it('reports progress, ends done with an outcome, and keeps a history that survives a restart', async () => {
    const tasks = new TaskManager(directory);
    const seen: TaskSnapshot[] = [];
    tasks.on('change', (task) => seen.push(task));
    const task = tasks.run('backup', 'Back up', async (context) => {
      context.report({ message: 'Backing up spans', fraction: 0.5 });
      return { file: 'a.fpbackup' };
    }, (result) => result.file);
    expect(await task.result).toEqual({ file: 'a.fpbackup' });
    await tasks.flush();
    expect(seen.map((snapshot) => snapshot.progress.message)).toEqual(['Starting', 'Backing up spans', 'Done']);
    const reloaded = new TaskManager(directory);
    await reloaded.load();
    expect(reloaded.get(task.id)).toMatchObject({ kind: 'backup', state: 'done', outcome: 'a.fpbackup', progress: { fraction: 1 } });
  });

  it('cancels through the signal and records the task as cancelled', async () => {
    const tasks = new TaskManager(directory);
    const task = tasks.run('pull', 'Pull', async (context) => {
      for (;;) {
        throwIfCancelled(context.signal);
        await sleep(10);
      }
    });
    await sleep(30);
    expect(tasks.cancel(task.id)).toBe(true);
    await expect(task.result).rejects.toThrow('Cancelled');
    expect(tasks.get(task.id)).toMatchObject({ state: 'cancelled' });
    expect(tasks.cancel(task.id)).toBe(false);
  });

  it('records a failure with its message, and a task interrupted by a restart as failed', async () => {
    const tasks = new TaskManager(directory);
    const failed = tasks.run('migrate', 'Migrate', async () => {
      throw new Error('Migration 0010_x failed: boom');
    });
    await expect(failed.result).rejects.toThrow('boom');
    expect(tasks.get(failed.id)).toMatchObject({ state: 'failed', error: 'Migration 0010_x failed: boom' });
    const hanging = tasks.run('restore', 'Restore', () => new Promise(() => {}));
    await sleep(1_100); // the history is written at most once a second while progress flows
    await tasks.flush();
    const reloaded = new TaskManager(directory);
    await reloaded.load();
    expect(reloaded.get(hanging.id)).toMatchObject({ state: 'failed', error: expect.stringContaining('Interrupted') });
    expect(reloaded.list().map((task) => task.id)).toEqual([hanging.id, failed.id]);
  });
});
