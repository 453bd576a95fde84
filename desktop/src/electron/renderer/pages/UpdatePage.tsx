import { useState } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { TaskCard } from '../components/TaskCard.js';
import { forprompt } from '../forprompt.js';
import { fileName, formatTime } from '../format.js';
import { useLastEnded, useLoad, useRunning } from '../hooks.js';

export function UpdatePage() {
  const update = useLoad(() => forprompt().getUpdateState(), useLastEnded('update'));
  const running = useRunning('update');
  const [bundle, setBundle] = useState<string>();
  const [error, setError] = useState<Error>();
  const state = update.data;
  const act = (action: () => Promise<unknown>) => {
    setError(undefined);
    action().catch(setError);
  };
  const applyBundle = (file: string) => {
    setBundle(undefined);
    act(() => forprompt().applyUpdateBundle(file));
  };
  return (
    <>
      <h1>Update</h1>
      <ErrorNotice error={error ?? update.error} />
      {state && (
        <section className="panel">
          <p>
            This is ForPrompt <strong>{state.currentVersion}</strong>.
          </p>
          {!state.enabled && <p className="notice">This copy runs from source: update it with git pull and npm install. Installed apps update here.</p>}
          {state.lastCheck && (
            <p className="muted">
              Last checked {formatTime(state.lastCheck.at)}: {state.lastCheck.upToDate ? 'up to date.' : `${state.lastCheck.latestVersion} is available.`}
            </p>
          )}
          <div className="actions">
            <button type="button" onClick={() => act(() => forprompt().checkForUpdate())} disabled={!state.enabled || running.length > 0}>
              Check for updates
            </button>
            {state.downloadedVersion && (
              <button type="button" className="primary" onClick={() => act(() => forprompt().installUpdate())}>
                Restart and install {state.downloadedVersion}
              </button>
            )}
          </div>
          {state.downloadedVersion && <p className="muted">A backup is written first; the new version migrates the database when it starts.</p>}
        </section>
      )}
      <section className="panel">
        <h2>Offline update</h2>
        <p className="muted">No internet on this machine? Install a signed update file (.fpupdate). A backup is taken first, and any failure rolls back to this version and its data.</p>
        <button type="button" disabled={running.length > 0} onClick={() => act(() => forprompt().chooseUpdateBundle().then((file) => file && setBundle(file)))}>
          Install an update file…
        </button>
      </section>
      {running.map((task) => (
        <TaskCard key={task.id} task={task} />
      ))}
      {bundle && (
        <ConfirmDialog title="Install this update?" confirmLabel="Update" onConfirm={() => applyBundle(bundle)} onCancel={() => setBundle(undefined)}>
          <p>
            <strong>{fileName(bundle)}</strong> is checked against ForPrompt’s signature first. ForPrompt then backs up, stops, switches to the
            new version, migrates and starts again.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
