import { DialogActions } from './Dialog';

interface FormActionsProps {
  onCancel: () => void;
  pending: boolean;
  submitLabel: string;
  pendingLabel: string;
  submitTestId?: string;
}

/** Cancel and submit at the foot of a dialog's form; submit is disabled while the request runs. */
export function FormActions({ onCancel, pending, submitLabel, pendingLabel, submitTestId }: FormActionsProps) {
  return (
    <DialogActions>
      <button type="button" className="button button--ghost" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="button" disabled={pending} data-testid={submitTestId}>
        {pending ? pendingLabel : submitLabel}
      </button>
    </DialogActions>
  );
}
