import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { TaskCard } from '../components/TaskCard.js';
import { forprompt } from '../forprompt.js';
import { formatBytes, formatTime } from '../format.js';
import { useLastEnded, useLoad, useRunning } from '../hooks.js';

export function ModelsPage({ defaultModel }: { defaultModel: string | undefined }) {
  const models = useLoad(() => forprompt().listModels(), useLastEnded('model-pull', 'up'));
  const pulls = useRunning('model-pull');
  const [name, setName] = useState('');
  const [removing, setRemoving] = useState<string>();
  const [error, setError] = useState<Error>();
  const pull = (event: FormEvent) => {
    event.preventDefault();
    const model = name.trim() || defaultModel;
    if (!model) return;
    setError(undefined);
    forprompt().pullModel(model).catch(setError);
  };
  const remove = (model: string) => {
    setRemoving(undefined);
    forprompt().removeModel(model).then(models.reload, setError);
  };
  if (models.error) {
    return (
      <>
        <h1>Models</h1>
        <EmptyState title="Ollama is not available">
          {models.error.message}. Turn on “Run Ollama in a container” in Settings, then stop and start ForPrompt.
        </EmptyState>
      </>
    );
  }
  return (
    <>
      <h1>Models</h1>
      <form className="inline-form" onSubmit={pull}>
        <label>
          Model
          <input value={name} onChange={(event) => setName(event.target.value)} placeholder={defaultModel ?? 'llama3.1'} />
        </label>
        <button type="submit" className="primary">
          Pull
        </button>
      </form>
      <ErrorNotice error={error} />
      {pulls.map((task) => (
        <TaskCard key={task.id} task={task} />
      ))}
      {models.data && models.data.length === 0 && (
        <EmptyState title="No models yet">Pull one above — {defaultModel ?? 'llama3.1'} is what the engine uses by default.</EmptyState>
      )}
      {models.data && models.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Model</th>
              <th>Size</th>
              <th>Changed</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {models.data.map((model) => (
              <tr key={model.name}>
                <td>{model.name}</td>
                <td>{formatBytes(model.sizeBytes)}</td>
                <td>{formatTime(model.modifiedAt)}</td>
                <td>
                  <button type="button" onClick={() => setRemoving(model.name)}>
                    Delete…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {removing && (
        <ConfirmDialog title={`Delete ${removing}?`} confirmLabel="Delete" onConfirm={() => remove(removing)} onCancel={() => setRemoving(undefined)}>
          <p>The model’s files are removed from Ollama; pull it again to use it.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
