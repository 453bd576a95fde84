import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch, apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { formatDate } from '../app/format';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import type { OrganizationSummary } from '../auth/authState';
import { invitationsKey, orgPath, type Invitation } from './api';
import { InviteDialog } from './InviteDialog';
import { PermissionButton } from './PermissionButton';
import { usePermission } from './Workspace';

const statusBadges = {
  pending: 'badge badge--accent',
  accepted: 'badge badge--ok',
  revoked: 'badge',
  expired: 'badge badge--warn',
} as const;

/** Invitations by link: create (the link is shown once), list with status, withdraw. */
export function InvitationsPanel({ organization }: { organization: OrganizationSummary }) {
  const { allowed } = usePermission('member.manage');
  const [inviting, setInviting] = useState(false);
  const [revoking, setRevoking] = useState<Invitation | null>(null);

  return (
    <Panel
      title="Invitations"
      description="Invite people by link; it is shown to you once, to send them yourself."
      actions={
        <PermissionButton permission="member.manage" onClick={() => setInviting(true)} data-testid="invite-member">
          Invite member
        </PermissionButton>
      }
      testId="invitations-panel"
    >
      {allowed ? (
        <InvitationTable organizationId={organization.id} onRevoke={setRevoking} />
      ) : (
        <p className="note note--muted">Admins and owners invite people and see pending invitations.</p>
      )}
      {inviting && <InviteDialog organizationId={organization.id} onClose={() => setInviting(false)} />}
      {revoking && <RevokeInvitationDialog organizationId={organization.id} invitation={revoking} onClose={() => setRevoking(null)} />}
    </Panel>
  );
}

/** The organization's invitations with their status; with `onRevoke`, pending ones can be withdrawn (else read-only). */
export function InvitationTable({ organizationId, onRevoke }: { organizationId: string; onRevoke?: (invitation: Invitation) => void }) {
  const invitations = useQuery({
    queryKey: invitationsKey(organizationId),
    queryFn: ({ signal }) => apiFetch<{ invitations: Invitation[] }>(`${orgPath(organizationId)}/invitations`, { signal }),
  });
  if (!invitations.isSuccess) return <QueryFallback query={invitations} what="invitations" />;
  if (invitations.data.invitations.length === 0) return <p className="muted">No invitations yet.</p>;

  return (
    <Table columns={['Email', 'Role', 'Status', 'Expires', ...(onRevoke ? [''] : [])]} testId="invitations-table">
      {invitations.data.invitations.map((invitation) => (
        <tr key={invitation.id} data-testid="invitation-row">
          <td className="cell-title">{invitation.email}</td>
          <td className="capitalize">{invitation.role}</td>
          <td>
            <span className={statusBadges[invitation.status]}>{invitation.status}</span>
          </td>
          <td className="nowrap">{invitation.status === 'pending' ? formatDate(invitation.expiresAt) : '—'}</td>
          {onRevoke && (
            <td className="cell-actions">
              {invitation.status === 'pending' && (
                <PermissionButton permission="member.manage" className="button button--danger-ghost button--small" onClick={() => onRevoke(invitation)}>
                  Revoke
                </PermissionButton>
              )}
            </td>
          )}
        </tr>
      ))}
    </Table>
  );
}

function RevokeInvitationDialog({ organizationId, invitation, onClose }: { organizationId: string; invitation: Invitation; onClose: () => void }) {
  return (
    <ConfirmDialog
      onClose={onClose}
      title="Withdraw this invitation?"
      confirmLabel="Withdraw"
      action={() => apiSend('DELETE', `${orgPath(organizationId)}/invitations/${invitation.id}`)}
      invalidates={invitationsKey(organizationId)}
      successMessage={`Withdrew the invitation for ${invitation.email}`}
    >
      <p>The link sent to {invitation.email} stops working. You can invite them again later.</p>
    </ConfirmDialog>
  );
}
