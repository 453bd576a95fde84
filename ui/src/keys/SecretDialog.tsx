import { CopyField } from '../app/CopyField';
import { Dialog, DialogActions } from '../app/Dialog';
import type { ApiKeyCreated } from './api';

/** The one moment the full key is visible: it is not stored, so closing this loses it. */
export function SecretDialog({ created, onClose }: { created: ApiKeyCreated | null; onClose: () => void }) {
  return (
    <Dialog open={created !== null} onClose={onClose} title={`API key "${created?.apiKey.name ?? ''}"`} testId="api-key-secret-dialog" wide>
      <p className="note note--warn" role="alert">
        <strong>Copy this key now — you will not see it again.</strong> ForPrompt keeps only a fingerprint of it. If it is lost,
        create a new key.
      </p>
      <div className="dialog-body">
        <CopyField label="API key" value={created?.secret ?? ''} testId="api-key-secret" />
        <p className="field-hint">
          Send it in the <code>X-API-Key</code> header, or set <code>FORPROMPT_API_KEY</code> for the SDK.
        </p>
      </div>
      <DialogActions>
        <button type="button" className="button" onClick={onClose} data-testid="api-key-secret-done">
          I have copied it
        </button>
      </DialogActions>
    </Dialog>
  );
}
