import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { apiFetch, apiSend, fieldErrors, setCsrfToken } from '../app/api';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { formatDate } from '../app/format';
import { useForm } from '../app/useForm';
import { rememberOrganization } from '../orgs/lastOrganization';
import { AuthScreen } from './AuthScreen';
import { authStateKey, useAuthState, type Role } from './authState';
import { useSignOut } from './useSignOut';

interface InvitationPreview {
  organizationName: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: string;
  accountExists: boolean;
}

const closedReasons = {
  accepted: 'This invitation has already been used.',
  revoked: 'This invitation was withdrawn.',
  expired: 'This invitation has expired.',
} as const;

/** `/invite/:token`: what the invitation is for, and the way to accept it. */
export function InvitePage() {
  const { token = '' } = useParams();
  const state = useAuthState();
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: ({ signal }) => apiFetch<InvitationPreview>(`/api/dashboard/invitations/${encodeURIComponent(token)}`, { signal }),
    retry: false,
  });

  if (preview.isPending || state.isPending) {
    return <AuthScreen name="invite" title="Invitation" description={<p className="muted">Loading the invitation…</p>}>{null}</AuthScreen>;
  }
  if (preview.isError) {
    return (
      <AuthScreen name="invite" title="Invitation not found" description={<p>This invitation link is not valid. Ask the person who sent it for a new one.</p>}>
        <Link className="button button--ghost" to="/">
          Go to the dashboard
        </Link>
      </AuthScreen>
    );
  }

  const invitation = preview.data;
  const user = state.data?.user ?? null;
  return (
    <AuthScreen
      name="invite"
      title={`Join ${invitation.organizationName}`}
      description={<p>You have been invited to collaborate on prompts in ForPrompt.</p>}
    >
      <dl className="settings-list invite-facts" data-testid="invitation-facts">
        <dt>Organization</dt>
        <dd>{invitation.organizationName}</dd>
        <dt>Role</dt>
        <dd className="capitalize">{invitation.role}</dd>
        <dt>Email</dt>
        <dd>{invitation.email}</dd>
        <dt>Valid until</dt>
        <dd>{formatDate(invitation.expiresAt)}</dd>
      </dl>
      {invitation.status !== 'pending' ? (
        <p className="note note--error">{closedReasons[invitation.status]} Ask an admin of {invitation.organizationName} for a new one.</p>
      ) : user ? (
        user.email === invitation.email ? (
          <AcceptForm token={token} newAccount={false} />
        ) : (
          <WrongAccount signedInAs={user.email} invitedEmail={invitation.email} />
        )
      ) : invitation.accountExists ? (
        <p>
          <Link className="button button--block" to={`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`} data-testid="invite-sign-in">
            Sign in as {invitation.email} to accept
          </Link>
        </p>
      ) : (
        <AcceptForm token={token} newAccount />
      )}
    </AuthScreen>
  );
}

function AcceptForm({ token, newAccount }: { token: string; newAccount: boolean }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { values, bind } = useForm({ name: '', password: '' });
  const accept = useMutation({
    mutationFn: () =>
      apiSend<{ organizationId: string; csrfToken: string | null }>(
        'POST',
        `/api/dashboard/invitations/${encodeURIComponent(token)}/accept`,
        newAccount ? { password: values.password, ...(values.name.trim() && { name: values.name }) } : {},
      ),
    onSuccess: async (joined) => {
      if (joined.csrfToken !== null) setCsrfToken(joined.csrfToken);
      rememberOrganization(joined.organizationId);
      await queryClient.invalidateQueries({ queryKey: authStateKey });
      void navigate('/', { replace: true });
    },
  });
  const errors = fieldErrors(accept.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    accept.mutate();
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      {newAccount && (
        <>
          <p className="muted form-intro">Create your account to accept.</p>
          <Field label="Your name" error={errors.name}>
            <input className="input" autoComplete="name" {...bind('name')} data-testid="invite-name" />
          </Field>
          <Field label="Choose a password" error={errors.password} hint="At least 10 characters.">
            <input className="input" type="password" autoComplete="new-password" {...bind('password')} data-testid="invite-password" />
          </Field>
        </>
      )}
      <FormError error={accept.error} fields={['name', 'password']} />
      <button type="submit" className="button button--block" disabled={accept.isPending} data-testid="invite-accept">
        {accept.isPending ? 'Joining…' : newAccount ? 'Create account and join' : 'Accept invitation'}
      </button>
    </form>
  );
}

function WrongAccount({ signedInAs, invitedEmail }: { signedInAs: string; invitedEmail: string }) {
  const signOut = useSignOut(null);
  return (
    <div className="note">
      <p className="note-line">
        You are signed in as <strong>{signedInAs}</strong>, but this invitation is for <strong>{invitedEmail}</strong>.
      </p>
      <button type="button" className="button button--ghost button--small" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        Sign out to switch accounts
      </button>
    </div>
  );
}
