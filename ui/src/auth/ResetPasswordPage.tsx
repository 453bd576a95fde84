import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { apiSend, fieldErrors } from '../app/api';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { useForm } from '../app/useForm';
import { AuthScreen } from './AuthScreen';

/** `/reset-password/:token`: the one-time link an admin issued. */
export function ResetPasswordPage() {
  const { token = '' } = useParams();
  const { values, bind } = useForm({ newPassword: '', repeated: '' });
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation({
    mutationFn: () => apiSend('POST', '/api/dashboard/auth/password-reset', { token, newPassword: values.newPassword }),
  });
  const errors = fieldErrors(reset.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    const differs = values.newPassword !== values.repeated;
    setMismatch(differs);
    if (!differs) reset.mutate();
  }

  if (reset.isSuccess) {
    return (
      <AuthScreen name="reset-password" title="Password set" description={<p>Your new password is ready. Every session of your account was signed out, so sign in again.</p>}>
        <Link className="button button--block" to="/sign-in">
          Sign in
        </Link>
      </AuthScreen>
    );
  }

  return (
    <AuthScreen name="reset-password" title="Choose a new password" description={<p>This link works once. Pick a password of at least 10 characters.</p>}>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="New password" error={errors.newPassword}>
          <input className="input" type="password" autoComplete="new-password" {...bind('newPassword')} data-testid="reset-password" />
        </Field>
        <Field label="Repeat it" error={mismatch ? 'the two passwords differ' : undefined}>
          <input className="input" type="password" autoComplete="new-password" {...bind('repeated')} />
        </Field>
        <FormError error={reset.error} fields={['newPassword']} />
        <button type="submit" className="button button--block" disabled={reset.isPending}>
          {reset.isPending ? 'Saving…' : 'Set password'}
        </button>
      </form>
    </AuthScreen>
  );
}
