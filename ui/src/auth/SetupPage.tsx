import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { apiSend, fieldErrors } from '../app/api';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { useForm } from '../app/useForm';
import { AuthScreen } from './AuthScreen';
import { useApplyAuthState, useAuthState, type AuthState } from './authState';

const fields = ['name', 'email', 'password', 'organizationName', 'projectName'] as const;

/** First run: creates the owner account, the first organization and a project, and signs in. */
export function SetupPage() {
  const state = useAuthState();
  const applyState = useApplyAuthState();
  const navigate = useNavigate();
  const { values, bind } = useForm({ name: '', email: '', password: '', organizationName: '', projectName: 'Default project' });
  const setup = useMutation({
    mutationFn: () => {
      const { name, ...rest } = values;
      return apiSend<AuthState>('POST', '/api/dashboard/auth/setup', { ...rest, ...(name.trim() && { name }) });
    },
    onSuccess: (signedIn) => {
      applyState(signedIn);
      void navigate('/settings/projects', { replace: true });
    },
  });

  // Already set up (someone else finished first, or a stale tab): nothing to do here.
  if (state.data && !state.data.setupRequired && setup.isIdle) return <Navigate to="/" replace />;
  const errors = fieldErrors(setup.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    setup.mutate();
  }

  return (
    <AuthScreen
      name="setup"
      title="Set up ForPrompt"
      description={
        <p>
          Welcome. This creates the <strong>owner account</strong> of this installation, your first organization and a
          project to keep prompts in. You can invite teammates and add projects afterwards.
        </p>
      }
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Your name" error={errors.name}>
          <input className="input" autoComplete="name" {...bind('name')} data-testid="setup-name" />
        </Field>
        <Field label="Email" error={errors.email}>
          <input className="input" type="email" autoComplete="email" {...bind('email')} data-testid="setup-email" />
        </Field>
        <Field label="Password" error={errors.password} hint="At least 10 characters.">
          <input className="input" type="password" autoComplete="new-password" {...bind('password')} data-testid="setup-password" />
        </Field>
        <div className="form-divider" />
        <Field label="Organization name" error={errors.organizationName} hint="Your team or company; you can rename it later.">
          <input className="input" autoComplete="organization" {...bind('organizationName')} data-testid="setup-organization" />
        </Field>
        <Field label="First project" error={errors.projectName}>
          <input className="input" {...bind('projectName')} data-testid="setup-project" />
        </Field>
        <FormError error={setup.error} fields={fields} />
        <button type="submit" className="button button--block" disabled={setup.isPending} data-testid="setup-submit">
          {setup.isPending ? 'Creating your account…' : 'Create owner account'}
        </button>
      </form>
    </AuthScreen>
  );
}
