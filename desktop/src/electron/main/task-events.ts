import type { WebContents } from 'electron';
import type { TaskManager, TaskSnapshot } from '../../core/tasks.js';
import { TASK_CHANGE_CHANNEL, type TaskView } from '../bridge.js';

// A pull reports many times a second; the window needs a few frames' worth, not every byte.
const PROGRESS_INTERVAL_MS = 100;

/**
 * Pushes task changes to the window (`webContents.send`), so a task's progress follows the user
 * between pages; the renderer asks for the list on load. Progress of a running task is coalesced;
 * a task's start and end are sent at once. Returns the function that stops forwarding.
 */
export function forwardTaskChanges(tasks: TaskManager, target: () => WebContents | undefined): () => void {
  const pending = new Map<string, TaskView>();
  const running = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const send = (task: TaskView) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(TASK_CHANGE_CHANNEL, task);
  };
  const flush = () => {
    timer = undefined;
    for (const task of pending.values()) send(task);
    pending.clear();
  };
  const onChange = (snapshot: TaskSnapshot) => {
    const task: TaskView = snapshot;
    if (task.state !== 'running' || !running.has(task.id)) {
      if (task.state === 'running') running.add(task.id);
      else running.delete(task.id);
      pending.delete(task.id);
      send(task);
      return;
    }
    pending.set(task.id, task);
    timer ??= setTimeout(flush, PROGRESS_INTERVAL_MS);
  };
  tasks.on('change', onChange);
  return () => {
    tasks.off('change', onChange);
    if (timer) clearTimeout(timer);
  };
}
