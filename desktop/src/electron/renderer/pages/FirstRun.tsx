import { useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { RestoreConfirm } from '../components/RestoreConfirm.js';
import { forprompt } from '../forprompt.js';

/** Nothing set up yet: start fresh, or bring an install back from a backup. */
export function FirstRun({ onSettings }: { onSettings: () => void }) {
  const [restoring, setRestoring] = useState<string>();
  const [error, setError] = useState<Error>();
  const chooseFile = () => {
    forprompt()
      .chooseBackupFile()
      .then((file) => file && setRestoring(file), setError);
  };
  return (
    <main className="first-run">
      <h1>Welcome to ForPrompt</h1>
      <p>
        ForPrompt runs on this computer: it sets up its database (in Docker or Podman when one is running, otherwise embedded), starts the
        engine and opens the dashboard in your browser.
      </p>
      <div className="first-run-choices">
        <button type="button" className="primary big" onClick={() => void forprompt().up().catch(setError)}>
          Start
        </button>
        <button type="button" className="big" onClick={chooseFile}>
          Restore from a backup
        </button>
      </div>
      <p className="muted">
        Want an external PostgreSQL, a Convex deployment or an AI provider?{' '}
        <button type="button" className="link" onClick={onSettings}>
          Open the settings first
        </button>
        .
      </p>
      <ErrorNotice error={error} />
      {restoring && <RestoreConfirm file={restoring} onDone={() => setRestoring(undefined)} onError={setError} />}
    </main>
  );
}
