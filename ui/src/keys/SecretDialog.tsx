import { useState } from 'react';
import { CopyField } from '../app/CopyField';
import { Dialog, DialogActions } from '../app/Dialog';
import { LazyConnectGuide } from '../onboarding/ConnectPanel';
import type { ApiKeyCreated } from './api';

interface SecretDialogProps {
  created: ApiKeyCreated | null;
  /** The key's project, named in the setup guide. */
  projectName: string;
  onClose: () => void;
}

/** The one moment the full key is visible: it is not stored, so closing this loses it. */
export function SecretDialog({ created, projectName, onClose }: SecretDialogProps) {
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
        {created && <SetupWithKey projectName={projectName} secret={created.secret} />}
      </div>
      <DialogActions>
        <button type="button" className="button" onClick={onClose} data-testid="api-key-secret-done">
          I have copied it
        </button>
      </DialogActions>
    </Dialog>
  );
}

/** The setup guide with this key filled in: the only place it can be, since the key is never shown again. */
function SetupWithKey({ projectName, secret }: { projectName: string; secret: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="secret-setup" onToggle={(event) => setOpen(event.currentTarget.open)} data-testid="api-key-setup">
      <summary>Set up your app and AI assistant with this key</summary>
      {open && <LazyConnectGuide projectName={projectName} apiKey={secret} />}
    </details>
  );
}
