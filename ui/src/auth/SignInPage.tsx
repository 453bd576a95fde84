import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { apiSend, fieldErrors, retryAfterOf } from '../app/api';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { formatDuration } from '../app/format';
import { useForm } from '../app/useForm';
import { useNow } from '../app/useNow';
import { AuthScreen } from './AuthScreen';
import { useApplyAuthState, useAuthState, type AuthState } from './authState';
import { safeNext } from './RequireSignIn';
import { useClerkUi } from './clerk/clerkUi';

export function SignInPage() {
  const state = useAuthState();
  const clerk = useClerkUi();
  const applyState = useApplyAuthState();
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));
  const { values, bind } = useForm({ email: '', password: '' });
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const now = useNow(retryAt !== null);
  const signIn = useMutation({
    mutationFn: () => apiSend<AuthState>('POST', '/api/dashboard/auth/sign-in', values),
    // The new state has a user, so the redirect below takes over.
    onSuccess: applyState,
    onError: (error) => {
      const retryAfter = retryAfterOf(error);
      setRetryAt(retryAfter === null ? null : Date.now() + retryAfter * 1000);
    },
  });

  if (state.data?.setupRequired) return <Navigate to="/setup" replace />;
  if (state.data?.user) return <Navigate to={next} replace />;

  const waitSeconds = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - now) / 1000));
  const errors = fieldErrors(signIn.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate();
  }

  if (state.data?.authProvider === 'clerk') {
    return (
      <AuthScreen name="sign-in" title="Sign in" description="This engine manages accounts with Clerk.">
        {clerk ? <clerk.SignIn routing="hash" /> : <p className="note">Clerk's sign-in is not available in this browser.</p>}
      </AuthScreen>
    );
  }

  return (
    <AuthScreen name="sign-in" title="Sign in" description={<p>Use the email and password of your ForPrompt account.</p>}>
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Email" error={errors.email}>
          <input className="input" type="email" autoComplete="username" autoFocus {...bind('email')} data-testid="sign-in-email" />
        </Field>
        <Field label="Password" error={errors.password}>
          <input className="input" type="password" autoComplete="current-password" {...bind('password')} data-testid="sign-in-password" />
        </Field>
        {waitSeconds > 0 ? (
          <p className="note note--error" role="alert" data-testid="form-error">
            Too many sign-in attempts. Try again in {formatDuration(waitSeconds)}.
          </p>
        ) : (
          retryAt === null && <FormError error={signIn.error} fields={['email', 'password']} />
        )}
        <button type="submit" className="button button--block" disabled={signIn.isPending || waitSeconds > 0} data-testid="sign-in-submit">
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted auth-aside">Forgot your password? Ask an admin of your organization for a reset link.</p>
    </AuthScreen>
  );
}
