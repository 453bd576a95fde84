import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, apiSend } from '../app/api';
import { formatCountOf, formatDateTime, formatRelative } from '../app/format';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { useToast } from '../app/Toasts';
import { describeDevice } from './describeDevice';
import { useSignOut } from './useSignOut';

interface Session {
  id: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

export const sessionsKey = ['sessions'] as const;
const sessionsPath = '/api/dashboard/auth/sessions';

/** Where you are signed in, with "this device" marked; sign out one or all the others. */
export function SessionsPanel() {
  const queryClient = useQueryClient();
  const toast = useToast();
  const signOut = useSignOut();
  const sessions = useQuery({
    queryKey: sessionsKey,
    queryFn: ({ signal }) => apiFetch<{ sessions: Session[] }>(sessionsPath, { signal }),
    select: (data) => data.sessions,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: sessionsKey });
  const revoke = useMutation({
    mutationFn: (sessionId: string) => apiSend('DELETE', `${sessionsPath}/${sessionId}`),
    onSuccess: async () => {
      await refresh();
      toast.success('Signed out that session');
    },
    onError: (error) => toast.error(error.message),
  });
  const revokeOthers = useMutation({
    mutationFn: () => apiSend<{ signedOut: number }>('POST', `${sessionsPath}/sign-out-others`),
    onSuccess: async ({ signedOut }) => {
      await refresh();
      toast.success(`Signed out ${formatCountOf(signedOut, 'other session')}`);
    },
    onError: (error) => toast.error(error.message),
  });
  const others = sessions.data?.filter((session) => !session.current).length ?? 0;

  return (
    <Panel
      title="Active sessions"
      description="Browsers and apps signed in to your account."
      testId="sessions-panel"
      actions={
        <button type="button" className="button button--ghost" onClick={() => revokeOthers.mutate()} disabled={others === 0 || revokeOthers.isPending} data-testid="sign-out-others">
          {revokeOthers.isPending ? 'Signing out…' : 'Sign out all other sessions'}
        </button>
      }
    >
      {!sessions.isSuccess ? (
        <QueryFallback query={sessions} what="sessions" />
      ) : (
        <Table columns={['Device', 'Address', 'Signed in', 'Last active', '']} testId="sessions-table">
          {sessions.data.map((session) => (
            <tr key={session.id} data-testid="session-row">
              <td>
                <span className="cell-title">{describeDevice(session.userAgent)}</span>{' '}
                {session.current && <span className="badge badge--accent">This device</span>}
              </td>
              <td className="cell-detail">{session.ip ?? '—'}</td>
              <td className="nowrap">{formatDateTime(session.createdAt)}</td>
              <td className="nowrap" title={formatDateTime(session.lastSeenAt)}>
                {formatRelative(session.lastSeenAt)}
              </td>
              <td className="cell-actions">
                {session.current ? (
                  <button type="button" className="button button--ghost button--small" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
                    Sign out
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    onClick={() => revoke.mutate(session.id)}
                    disabled={revoke.isPending && revoke.variables === session.id}
                  >
                    Sign out
                  </button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Panel>
  );
}
