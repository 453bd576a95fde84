import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { useToast } from '../app/Toasts';
import { useForm } from '../app/useForm';
import { sessionsKey } from './SessionsPanel';

const emptyForm = { currentPassword: '', newPassword: '', repeated: '' };

export function ChangePasswordForm() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { values, bind, setValues } = useForm(emptyForm);
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => apiSend('POST', '/api/dashboard/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword }),
    onSuccess: async () => {
      setValues(emptyForm);
      await queryClient.invalidateQueries({ queryKey: sessionsKey });
      toast.success('Password changed; your other sessions were signed out');
    },
  });
  const errors = fieldErrors(change.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const differs = values.newPassword !== values.repeated;
    setMismatch(differs);
    if (!differs) change.mutate();
  }

  return (
    <form className="form form--narrow" onSubmit={submit} noValidate>
      <Field label="Current password" error={errors.currentPassword}>
        <input className="input" type="password" autoComplete="current-password" {...bind('currentPassword')} data-testid="current-password" />
      </Field>
      <Field label="New password" error={errors.newPassword} hint="At least 10 characters.">
        <input className="input" type="password" autoComplete="new-password" {...bind('newPassword')} data-testid="new-password" />
      </Field>
      <Field label="Repeat the new password" error={mismatch ? 'the two passwords differ' : undefined}>
        <input className="input" type="password" autoComplete="new-password" {...bind('repeated')} data-testid="repeat-password" />
      </Field>
      <FormError error={change.error} fields={['currentPassword', 'newPassword']} />
      <div>
        <button type="submit" className="button" disabled={change.isPending} data-testid="change-password">
          {change.isPending ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
