import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { Dialog } from '../app/Dialog';
import { Field } from '../app/Field';
import { FormActions } from '../app/FormActions';
import { FormError } from '../app/FormError';
import { useToast } from '../app/Toasts';
import { useForm } from '../app/useForm';
import { authStateKey } from '../auth/authState';
import { useWorkspace } from './Workspace';

/** A new organization, owned by whoever creates it; the dashboard switches to it. */
export function CreateOrganizationDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Create organization" description="A separate space with its own projects, members and keys. You will be its owner." testId="create-organization-dialog">
      <CreateOrganizationForm onDone={onClose} />
    </Dialog>
  );
}

function CreateOrganizationForm({ onDone }: { onDone: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { selectOrganization } = useWorkspace();
  const { values, bind } = useForm({ name: '' });
  const create = useMutation({
    mutationFn: () => apiSend<{ id: string; name: string }>('POST', '/api/dashboard/orgs', values),
    onSuccess: async (organization) => {
      await queryClient.invalidateQueries({ queryKey: authStateKey });
      selectOrganization(organization.id);
      toast.success(`Created ${organization.name}`);
      onDone();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field label="Name" error={fieldErrors(create.error).name}>
        <input className="input" autoFocus {...bind('name')} data-testid="organization-name-input" />
      </Field>
      <FormError error={create.error} fields={['name']} />
      <FormActions onCancel={onDone} pending={create.isPending} submitLabel="Create organization" pendingLabel="Creating…" submitTestId="create-organization-submit" />
    </form>
  );
}
