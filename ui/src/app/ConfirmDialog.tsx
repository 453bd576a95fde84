import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { fieldErrors } from './api';
import { Dialog, DialogActions } from './Dialog';
import { Field } from './Field';
import { FormError } from './FormError';
import { useToast } from './Toasts';

interface ConfirmDialogProps<Result> {
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The change itself; receives the typed confirmation when `typeToConfirm` is set. */
  action: (typed: string) => Promise<Result>;
  /** The cached data the change makes stale. */
  invalidates: QueryKey;
  /** Said once the change is made; a function when it depends on the engine's answer. */
  successMessage: string | ((result: Result) => string);
  /** For changes that cannot be undone: the user types this (a slug) before the button unlocks. */
  typeToConfirm?: string;
  /** For confirmations that show a table or a diff. */
  wide?: boolean;
  /** The confirm button's look: red for destructive changes (the default), the accent colour otherwise. */
  tone?: 'danger' | 'primary';
}

/**
 * "Are you sure?" for a destructive change, optionally asking to type a slug first. Confirming runs
 * the change, refreshes what it affected, says so and closes; a refusal stays on screen.
 */
export function ConfirmDialog<Result>({
  onClose,
  title,
  children,
  confirmLabel,
  action,
  invalidates,
  successMessage,
  typeToConfirm,
  wide = false,
  tone = 'danger',
}: ConfirmDialogProps<Result>) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [typed, setTyped] = useState('');
  const unlocked = typeToConfirm === undefined || typed === typeToConfirm;
  const change = useMutation({
    mutationFn: action,
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: invalidates });
      toast.success(typeof successMessage === 'function' ? successMessage(result) : successMessage);
      onClose();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (unlocked) change.mutate(typed);
  }

  return (
    <Dialog open wide={wide} onClose={onClose} title={title} testId="confirm-dialog">
      <form onSubmit={submit} noValidate>
        <div className="dialog-body">{children}</div>
        {typeToConfirm !== undefined && (
          <Field label={<>Type <code>{typeToConfirm}</code> to confirm</>} error={fieldErrors(change.error).confirmSlug}>
            <input
              className="input input--mono"
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              data-testid="confirm-input"
            />
          </Field>
        )}
        <FormError error={change.error} fields={['confirmSlug']} />
        <DialogActions>
          <button type="button" className="button button--ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={tone === 'danger' ? 'button button--danger' : 'button'} disabled={!unlocked || change.isPending} data-testid="confirm-button">
            {change.isPending ? 'Working…' : confirmLabel}
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
