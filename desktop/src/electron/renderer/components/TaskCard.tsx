import type { TaskView } from '../../bridge.js';
import { forprompt } from '../forprompt.js';
import { formatBytes, formatDuration } from '../format.js';
import { ProgressBar } from './ProgressBar.js';

function layerLabel(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 24);
}

/** A task as it runs: what it does now, its bar, one bar per layer for pulls, and a cancel. */
export function TaskCard({ task }: { task: TaskView }) {
  const layers = Object.entries(task.progress.layers ?? {});
  return (
    <article className="task-card" data-task-id={task.id} data-state={task.state}>
      <header>
        <strong>{task.title}</strong>
        <span className="muted">{formatDuration(task.startedAt, task.endedAt)}</span>
        {task.state === 'running' && (
          <button type="button" className="link" onClick={() => void forprompt().cancelTask(task.id)}>
            Cancel
          </button>
        )}
      </header>
      <p className="task-message">{task.progress.message}</p>
      {task.state === 'running' && <ProgressBar fraction={task.progress.fraction} label={task.title} />}
      {layers.length > 0 && (
        <ul className="layers">
          {layers.map(([id, layer]) => (
            <li key={id} data-layer={id}>
              <span className="layer-name">{layerLabel(id)}</span>
              <ProgressBar fraction={layer.total ? Math.min(1, (layer.current ?? 0) / layer.total) : layer.status.toLowerCase().includes('complete') ? 1 : undefined} label={`Layer ${layerLabel(id)}`} />
              <span className="muted layer-status">
                {layer.status}
                {layer.total ? ` · ${formatBytes(layer.current ?? 0)} of ${formatBytes(layer.total)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {task.state === 'failed' && <p className="error">{task.error}</p>}
    </article>
  );
}
