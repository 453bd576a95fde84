import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { TaskKind, TaskView } from '../bridge.js';
import { forprompt } from './forprompt.js';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` now and whenever `key` changes (e.g. when a task of interest ends). */
export function useLoad<T>(load: () => Promise<T>, key: unknown = undefined): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let active = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => active && setState({ data, loading: false }),
      (error: Error) => active && setState({ error, loading: false }),
    );
    return () => {
      active = false;
    };
    // `load` is a new closure on every render; `key` says when the data is stale.
  }, [key, attempt]);
  const reload = useCallback(() => setAttempt((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/**
 * Every task, newest first: the list main keeps (asked for on load) kept current by the changes main
 * pushes, so a task's progress is there whichever page is open and after coming back to one.
 */
export function useTaskList(): TaskView[] {
  const [tasks, setTasks] = useState<Map<string, TaskView>>(new Map());
  useEffect(() => {
    let active = true;
    // Subscribe first, then list: a change that arrives meanwhile is newer than the listed one.
    const unsubscribe = forprompt().onTaskChange((task) => setTasks((previous) => new Map(previous).set(task.id, task)));
    void forprompt()
      .listTasks()
      .then((list) => {
        if (!active) return;
        setTasks((previous) => {
          const merged = new Map(list.map((task) => [task.id, task] as const));
          for (const [id, task] of previous) merged.set(id, task);
          return merged;
        });
      });
    return () => {
      active = false;
      unsubscribe();
    };
  }, []);
  return [...tasks.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export const TasksContext = createContext<TaskView[]>([]);

export function useTasks(): TaskView[] {
  return useContext(TasksContext);
}

/** The end time of the latest finished task of these kinds: a `useLoad` key that reloads after one. */
export function useLastEnded(...kinds: TaskKind[]): string | undefined {
  const tasks = useTasks();
  return tasks.find((task) => kinds.includes(task.kind) && task.state !== 'running')?.endedAt;
}

export function useRunning(...kinds: TaskKind[]): TaskView[] {
  return useTasks().filter((task) => task.state === 'running' && kinds.includes(task.kind));
}
