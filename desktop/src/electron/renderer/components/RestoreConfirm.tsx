import { forprompt } from '../forprompt.js';
import { fileName } from '../format.js';
import { ConfirmDialog } from './ConfirmDialog.js';

/** Asks before a restore replaces the data; on yes, starts the restore task. */
export function RestoreConfirm({ file, onDone, onError }: { file: string; onDone: () => void; onError: (error: Error) => void }) {
  const restore = () => {
    onDone();
    forprompt().restoreBackup(file).catch(onError);
  };
  return (
    <ConfirmDialog title="Restore this backup?" confirmLabel="Restore" onConfirm={restore} onCancel={onDone}>
      <p>
        <strong>{fileName(file)}</strong> replaces the current data. The archive is verified first; ForPrompt then stops, switches to
        the restored database (keeping the current one until the switch has succeeded) and starts again.
      </p>
      <p>Back up now first if you may want today’s data back.</p>
    </ConfirmDialog>
  );
}
