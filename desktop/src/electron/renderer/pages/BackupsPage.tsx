import { useState } from 'react';
import type { BackupFormat, StatusView } from '../../bridge.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { RestoreConfirm } from '../components/RestoreConfirm.js';
import { TaskCard } from '../components/TaskCard.js';
import { forprompt } from '../forprompt.js';
import { fileName, formatBytes, formatTime } from '../format.js';
import { useLastEnded, useLoad, useRunning } from '../hooks.js';

const formatNames: Record<BackupFormat, string> = { fpbackup: 'Portable archive', pg_dump: 'pg_dump (container)' };

/** `database`: where the data lives now; in container mode a pg_dump made in the container is offered too. */
export function BackupsPage({ database }: { database?: StatusView['database'] }) {
  const backups = useLoad(() => forprompt().listBackups(), useLastEnded('backup', 'restore'));
  const running = useRunning('backup', 'restore');
  const [restoring, setRestoring] = useState<string>();
  const [error, setError] = useState<Error>();
  const backupNow = (format: BackupFormat) => {
    setError(undefined);
    forprompt().backupNow(format).catch(setError);
  };
  const backingUp = running.some((task) => task.kind === 'backup');
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
        <button type="button" className="primary" onClick={() => backupNow('fpbackup')} disabled={backingUp}>
          Back up now
        </button>
        {database === 'container' && (
          <button type="button" onClick={() => backupNow('pg_dump')} disabled={backingUp} title="A custom-format dump made by the PostgreSQL container's own pg_dump; restores into this container setup only">
            Back up with pg_dump
          </button>
        )}
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
              <th>Format</th>
              <th>Written</th>
              <th>Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {backups.data.map((backup) => (
              <tr key={backup.file}>
                <td title={backup.file}>{fileName(backup.file)}</td>
                <td>{formatNames[backup.format]}</td>
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
