import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { displayNameOf, formatDate } from '../app/format';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { useToast } from '../app/Toasts';
import { authStateKey, useSignedIn, type OrganizationSummary, type Role } from '../auth/authState';
import { RequireOrganization } from './RequireOrganization';
import { membersKey, orgPath, type Member } from './api';
import { InvitationsPanel, InvitationTable } from './InvitationsPanel';
import { ResetLinkDialog } from './ResetLinkDialog';
import { assignableRoles } from './permissions';
import { PermissionButton } from './PermissionButton';
import { useMembers } from './useMembers';
import { useClerkUi } from '../auth/clerk/clerkUi';
import { usePermission, useWorkspace } from './Workspace';

/** Settings › Members: roles, removal, reset links, leaving; and invitations. */
export function MembersTab() {
  const { organization } = useWorkspace();
  const clerk = useClerkUi();
  if (clerk) {
    // Clerk mode: people are managed in Clerk; the engine mirrors them through Clerk's webhook.
    return (
      <div className="settings-tab" data-testid="settings-members">
        <Panel title="Members" description="Members, roles and invitations are managed with Clerk; changes reach ForPrompt through Clerk's webhook.">
          <clerk.OrganizationProfile routing="hash" />
        </Panel>
        {organization && <SyncedMembers organization={organization} />}
        {organization && <SyncedInvitations organization={organization} />}
      </div>
    );
  }
  return (
    <div className="settings-tab" data-testid="settings-members">
      <RequireOrganization>
        {organization && (
          <>
            <MemberList organization={organization} />
            <InvitationsPanel organization={organization} />
          </>
        )}
      </RequireOrganization>
    </div>
  );
}

/** Clerk mode: the members as ForPrompt has them from Clerk's webhook, read-only. */
function SyncedMembers({ organization }: { organization: OrganizationSummary }) {
  const members = useMembers(organization.id);
  return (
    <Panel title="As synced to ForPrompt" description="What this engine knows from Clerk; if someone is missing, check the Clerk webhook.">
      {!members.isSuccess ? (
        <QueryFallback query={members} what="members" />
      ) : (
        <Table columns={['Member', 'Role', 'Joined']} testId="synced-members-table">
          {members.data.map((member) => (
            <tr key={member.userId}>
              <td>
                <div className="cell-title">{displayNameOf(member)}</div>
                <div className="cell-detail">{member.email}</div>
              </td>
              <td>{member.role}</td>
              <td className="nowrap">{formatDate(member.joinedAt)}</td>
            </tr>
          ))}
        </Table>
      )}
    </Panel>
  );
}

/** Clerk mode: invitations as mirrored from Clerk's webhook, read-only (they are sent and withdrawn in Clerk). */
function SyncedInvitations({ organization }: { organization: OrganizationSummary }) {
  const { allowed } = usePermission('member.manage');
  return (
    <Panel title="Invitations, as synced" description="Sent, accepted and withdrawn in Clerk; listed here as this engine last heard." testId="synced-invitations-panel">
      {allowed ? <InvitationTable organizationId={organization.id} /> : <p className="note note--muted">Admins and owners see the invitations.</p>}
    </Panel>
  );
}

type MemberAction = { kind: 'remove' | 'leave' | 'reset'; member: Member } | null;

function MemberList({ organization }: { organization: OrganizationSummary }) {
  const { user } = useSignedIn();
  const members = useMembers(organization.id);
  const [action, setAction] = useState<MemberAction>(null);

  return (
    <Panel title="Members" description="Viewers read; members also edit prompts and tools; admins manage projects, keys and people; owners can delete the organization.">
      {!members.isSuccess ? (
        <QueryFallback query={members} what="members" />
      ) : (
        <Table columns={['Member', 'Role', 'Joined', '']} testId="members-table">
          {members.data.map((member) => {
            const isSelf = member.userId === user.id;
            return (
              <tr key={member.userId} data-testid="member-row">
                <td>
                  <div className="cell-title">
                    {displayNameOf(member)} {isSelf && <span className="badge badge--accent">You</span>}
                  </div>
                  <div className="cell-detail">{member.email}</div>
                </td>
                <td>
                  <RoleSelect organization={organization} member={member} isSelf={isSelf} />
                </td>
                <td className="nowrap">{formatDate(member.joinedAt)}</td>
                <td className="cell-actions">
                  {isSelf ? (
                    <button type="button" className="button button--ghost button--small" onClick={() => setAction({ kind: 'leave', member })} data-testid="leave-organization">
                      Leave
                    </button>
                  ) : (
                    <>
                      <PermissionButton permission="member.manage" className="button button--ghost button--small" onClick={() => setAction({ kind: 'reset', member })} data-testid="reset-link">
                        Reset link
                      </PermissionButton>
                      <PermissionButton permission="member.manage" className="button button--danger-ghost button--small" onClick={() => setAction({ kind: 'remove', member })} data-testid="remove-member">
                        Remove
                      </PermissionButton>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      {action?.kind === 'reset' && <ResetLinkDialog organizationId={organization.id} member={action.member} onClose={() => setAction(null)} />}
      {(action?.kind === 'remove' || action?.kind === 'leave') && (
        <RemoveMemberDialog organization={organization} member={action.member} leaving={action.kind === 'leave'} onClose={() => setAction(null)} />
      )}
    </Panel>
  );
}

function RoleSelect({ organization, member, isSelf }: { organization: OrganizationSummary; member: Member; isSelf: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { allowed, reason } = usePermission('member.manage');
  const actorIsOwner = organization.role === 'owner';
  const ownerLocked = member.role === 'owner' && !actorIsOwner;
  const change = useMutation({
    mutationFn: (role: Role) => apiSend<Member>('PATCH', `${orgPath(organization.id)}/members/${member.userId}`, { role }),
    onSuccess: async (changed) => {
      await queryClient.invalidateQueries({ queryKey: membersKey(organization.id) });
      if (isSelf) await queryClient.invalidateQueries({ queryKey: authStateKey });
      toast.success(`${displayNameOf(changed)} is now ${changed.role === 'admin' ? 'an' : 'a'} ${changed.role}`);
    },
    onError: (error) => toast.error(error.message),
  });

  return (
    <select
      className="select select--compact"
      aria-label={`Role of ${displayNameOf(member)}`}
      value={member.role}
      disabled={!allowed || ownerLocked || change.isPending}
      title={reason ?? (ownerLocked ? "Only an owner can change an owner's role" : undefined)}
      onChange={(event) => change.mutate(event.target.value as Role)}
      data-testid="member-role"
    >
      {assignableRoles.map((role) => (
        <option key={role} value={role} disabled={role === 'owner' && !actorIsOwner}>
          {role[0]!.toUpperCase() + role.slice(1)}
        </option>
      ))}
    </select>
  );
}

function RemoveMemberDialog({ organization, member, leaving, onClose }: { organization: OrganizationSummary; member: Member; leaving: boolean; onClose: () => void }) {
  return (
    <ConfirmDialog
      onClose={onClose}
      title={leaving ? `Leave ${organization.name}?` : `Remove ${displayNameOf(member)}?`}
      confirmLabel={leaving ? 'Leave organization' : 'Remove member'}
      action={() =>
        leaving ? apiSend('POST', `${orgPath(organization.id)}/leave`) : apiSend('DELETE', `${orgPath(organization.id)}/members/${member.userId}`)
      }
      // Leaving changes the organizations this user has; removing, the member list.
      invalidates={leaving ? authStateKey : membersKey(organization.id)}
      successMessage={leaving ? `You left ${organization.name}` : `Removed ${displayNameOf(member)}`}
    >
      <p>
        {leaving
          ? 'You lose access to its projects at once. An admin can invite you again.'
          : `${member.email} loses access to ${organization.name} at once. Their account stays; an admin can invite them again.`}
      </p>
    </ConfirmDialog>
  );
}
