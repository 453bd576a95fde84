import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { CopyField } from '../app/CopyField';
import { Dialog, DialogActions } from '../app/Dialog';
import { Field } from '../app/Field';
import { formatDate } from '../app/format';
import { FormActions } from '../app/FormActions';
import { FormError } from '../app/FormError';
import { useForm } from '../app/useForm';
import { invitationsKey, orgPath, type Invitation } from './api';

const roleHints = {
  viewer: 'Viewer — reads prompts, traces and settings',
  member: 'Member — also edits prompts and tools',
  admin: 'Admin — also manages projects, keys and people',
} as const;

/** Invite by email and role; the answer is a link, shown here once. */
export function InviteDialog({ organizationId, onClose }: { organizationId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { values, bind } = useForm({ email: '', role: 'member', expiresInDays: '7' });
  const invite = useMutation({
    mutationFn: () =>
      apiSend<{ invitation: Invitation; url: string }>('POST', `${orgPath(organizationId)}/invitations`, {
        email: values.email,
        role: values.role,
        expiresInDays: Number(values.expiresInDays),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitationsKey(organizationId) }),
  });
  const errors = fieldErrors(invite.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    invite.mutate();
  }

  if (invite.isSuccess) {
    const { invitation, url } = invite.data;
    return (
      <Dialog open onClose={onClose} title="Invitation created" wide testId="invitation-link-dialog">
        <div className="dialog-body">
          <p>
            Send this link to <strong>{invitation.email}</strong>. It makes them a <strong>{invitation.role}</strong> and works once, until{' '}
            {formatDate(invitation.expiresAt)}.
          </p>
          <p className="note note--warn">This is the only time the link is shown. Lost it? Invite the same address again for a new one.</p>
          <CopyField label="Invitation link" value={url} testId="invitation-link" />
        </div>
        <DialogActions>
          <button type="button" className="button" onClick={onClose} data-testid="invitation-link-done">
            Done
          </button>
        </DialogActions>
      </Dialog>
    );
  }

  return (
    <Dialog open onClose={onClose} title="Invite member" description="They join with the role you choose; you can change it later." testId="invite-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Email" error={errors.email}>
          <input className="input" type="email" autoFocus {...bind('email')} data-testid="invite-email" />
        </Field>
        <Field label="Role" error={errors.role} hint={roleHints[values.role as keyof typeof roleHints]}>
          <select className="select" {...bind('role')} data-testid="invite-role">
            <option value="viewer">Viewer</option>
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </select>
        </Field>
        <Field label="Link valid for (days)" error={errors.expiresInDays}>
          <input className="input input--narrow" type="number" min={1} max={30} {...bind('expiresInDays')} />
        </Field>
        <FormError error={invite.error} fields={['email', 'role', 'expiresInDays']} />
        <FormActions onCancel={onClose} pending={invite.isPending} submitLabel="Create invitation link" pendingLabel="Creating link…" submitTestId="invite-submit" />
      </form>
    </Dialog>
  );
}
