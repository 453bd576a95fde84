import { useState } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { RestoreConfirm } from '../components/RestoreConfirm.js';
import { TaskCard } from '../components/TaskCard.js';
import { forprompt } from '../forprompt.js';
import { fileName, formatBytes, formatTime } from '../format.js';
import { useLastEnded, useLoad, useRunning } from '../hooks.js';

export function BackupsPage() {
  const backups = useLoad(() => forprompt().listBackups(), useLastEnded('backup', 'restore'));
  const running = useRunning('backup', 'restore');
  const [restoring, setRestoring] = useState<string>();
  const [error, setError] = useState<Error>();
  const backupNow = () => {
    setError(undefined);
    forprompt().backupNow().catch(setError);
  };
  const chooseFile = () => {
    setError(undefined);
    forprompt()
      .chooseBackupFile()
      .then((file) => file && setRestoring(file), setError);
  };
  return (
    <>
      <h1>Backups</h1>
      <div className="actions">
        <button type="button" className="primary" onClick={backupNow} disabled={running.some((task) => task.kind === 'backup')}>
          Back up now
        </button>
        <button type="button" onClick={chooseFile}>
          Restore from a file…
        </button>
      </div>
      <ErrorNotice error={error ?? backups.error} />
      {running.map((task) => (
        <TaskCard key={task.id} task={task} />
      ))}
      {backups.data && backups.data.length === 0 && (
        <EmptyState title="No backups yet">Click “Back up now” to write one. ForPrompt also backs up on a schedule (daily unless changed in Settings) and keeps the latest ones.</EmptyState>
      )}
      {backups.data && backups.data.length > 0 && (
        <table className="backups">
          <thead>
            <tr>
              <th>Backup</th>
              <th>Written</th>
              <th>Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {backups.data.map((backup) => (
              <tr key={backup.file}>
                <td title={backup.file}>{fileName(backup.file)}</td>
                <td>{formatTime(backup.createdAt)}</td>
                <td>{formatBytes(backup.bytes)}</td>
                <td>
                  <button type="button" onClick={() => setRestoring(backup.file)} disabled={running.length > 0}>
                    Restore…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restoring && <RestoreConfirm file={restoring} onDone={() => setRestoring(undefined)} onError={setError} />}
    </>
  );
}
