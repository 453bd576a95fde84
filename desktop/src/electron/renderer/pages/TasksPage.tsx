import { EmptyState } from '../components/EmptyState.js';
import { TaskCard } from '../components/TaskCard.js';
import { formatDuration, formatTime } from '../format.js';
import { useTasks } from '../hooks.js';

export function TasksPage() {
  const tasks = useTasks();
  const running = tasks.filter((task) => task.state === 'running');
  const history = tasks.filter((task) => task.state !== 'running');
  return (
    <>
      <h1>Tasks</h1>
      {tasks.length === 0 && (
        <EmptyState title="No tasks yet">Starting ForPrompt, backups, restores, model pulls and updates appear here with their progress, and stay listed afterwards.</EmptyState>
      )}
      {running.length > 0 && (
        <section>
          <h2>Running</h2>
          {running.map((task) => (
            <TaskCard key={task.id} task={task} />
          ))}
        </section>
      )}
      {history.length > 0 && (
        <section className="panel">
          <h2>History</h2>
          <table className="history">
            <thead>
              <tr>
                <th>Task</th>
                <th>Result</th>
                <th>Started</th>
                <th>Took</th>
              </tr>
            </thead>
            <tbody>
              {history.map((task) => (
                <tr key={task.id} data-state={task.state}>
                  <td>{task.title}</td>
                  <td>
                    <span className={`badge badge-${task.state}`}>{task.state}</span> {task.state === 'failed' ? <span className="error-text">{task.error}</span> : task.outcome}
                  </td>
                  <td>{formatTime(task.startedAt)}</td>
                  <td>{formatDuration(task.startedAt, task.endedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
