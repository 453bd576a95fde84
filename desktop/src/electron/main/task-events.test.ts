import { describe, expect, it, vi } from 'vitest';
import { FakeWebContents } from '../../../test/electron/electron-double.js';
import { TaskManager } from '../../core/tasks.js';
import { TASK_CHANGE_CHANNEL, type TaskView } from '../bridge.js';
import { forwardTaskChanges } from './task-events.js';

vi.mock('electron', () => import('../../../test/electron/electron-double.js'));

describe('forwarding task changes to the window', () => {
  it('sends a task’s start and end at once and coalesces its progress in between', async () => {
    vi.useFakeTimers();
    try {
      const tasks = new TaskManager();
      const contents = new FakeWebContents();
      const stop = forwardTaskChanges(tasks, () => contents as never);
      let finish!: () => void;
      const task = tasks.run('model-pull', 'Pull llama3.1', (context) => {
        for (let percent = 1; percent <= 50; percent++) context.report({ message: 'pulling', fraction: percent / 100 });
        return new Promise<void>((resolve) => (finish = resolve));
      });
      const sent = () => contents.sent.filter(({ channel }) => channel === TASK_CHANGE_CHANNEL).map(({ args }) => args[0] as TaskView);
      await vi.advanceTimersByTimeAsync(0);
      expect(sent().map((view) => view.progress.message)).toEqual(['Starting']);
      await vi.advanceTimersByTimeAsync(100);
      expect(sent().map((view) => view.progress.fraction)).toEqual([undefined, 0.5]);
      finish();
      await task.result;
      expect(sent().at(-1)).toMatchObject({ id: task.id, state: 'done' });
      expect(sent()).toHaveLength(3);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('sends nothing when no window is open', () => {
    const tasks = new TaskManager();
    forwardTaskChanges(tasks, () => undefined);
    expect(() => tasks.run('backup', 'Back up now', async () => {})).not.toThrow();
  });
});
