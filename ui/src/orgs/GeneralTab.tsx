import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { Field } from '../app/Field';
import { FormError } from '../app/FormError';
import { Panel } from '../app/Panel';
import { useToast } from '../app/Toasts';
import { authStateKey, type OrganizationSummary } from '../auth/authState';
import { EngineSummary } from '../settings/EngineSummary';
import { RequireOrganization } from './RequireOrganization';
import { PermissionButton } from './PermissionButton';
import { usePermission, useWorkspace } from './Workspace';

/** Settings › General: the organization's name, the engine's facts, deleting the organization. */
export function GeneralTab() {
  const { organization } = useWorkspace();
  return (
    <div className="settings-tab" data-testid="settings-general">
      <RequireOrganization>
        {organization && <RenameOrganization key={organization.id} organization={organization} />}
      </RequireOrganization>
      <EngineSummary />
      {organization && <DeleteOrganization organization={organization} />}
    </div>
  );
}

function RenameOrganization({ organization }: { organization: OrganizationSummary }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { allowed } = usePermission('org.manage');
  const [name, setName] = useState(organization.name);
  const rename = useMutation({
    mutationFn: () => apiSend('PATCH', `/api/dashboard/orgs/${organization.id}`, { name }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: authStateKey });
      toast.success('Organization renamed');
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    rename.mutate();
  }

  return (
    <Panel title="Organization" description={<>Its slug, <code>{organization.slug}</code>, stays the same when you rename it.</>}>
      <form className="inline-form" onSubmit={submit} noValidate>
        <Field label="Name" error={fieldErrors(rename.error).name}>
          <input className="input" value={name} onChange={(event) => setName(event.target.value)} disabled={!allowed} data-testid="organization-name" />
        </Field>
        <PermissionButton permission="org.manage" type="submit" disabled={rename.isPending || name.trim() === organization.name}>
          {rename.isPending ? 'Saving…' : 'Rename'}
        </PermissionButton>
      </form>
      <FormError error={rename.error} fields={['name']} />
    </Panel>
  );
}

function DeleteOrganization({ organization }: { organization: OrganizationSummary }) {
  const [confirming, setConfirming] = useState(false);

  return (
    <Panel
      tone="danger"
      title="Delete organization"
      description="Deletes its projects, prompts, keys and members' access for good. There is no undo."
      actions={
        <PermissionButton permission="org.delete" className="button button--danger-ghost" onClick={() => setConfirming(true)} data-testid="delete-organization">
          Delete organization
        </PermissionButton>
      }
    >
      {confirming && (
        <ConfirmDialog
          onClose={() => setConfirming(false)}
          title={`Delete ${organization.name}?`}
          confirmLabel="Delete organization"
          action={(confirmSlug) => apiSend('DELETE', `/api/dashboard/orgs/${organization.id}`, { confirmSlug })}
          // The dashboard then falls back to another of the user's organizations.
          invalidates={authStateKey}
          successMessage={`Deleted ${organization.name}`}
          typeToConfirm={organization.slug}
        >
          <p>Everything in this organization is deleted, and every member loses access. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}
