import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { Dialog } from '../app/Dialog';
import { Field } from '../app/Field';
import { FormActions } from '../app/FormActions';
import { FormError } from '../app/FormError';
import { useForm } from '../app/useForm';
import { apiKeysKey, apiKeysPath, type ApiKey, type ApiKeyCreated } from './api';

interface KeyDialogProps {
  organizationId: string;
  projectId: string;
  onClose: () => void;
  /** Receives the new key with its one-time secret. */
  onCreated: (created: ApiKeyCreated) => void;
}

function useKeyMutation({ organizationId, projectId, onCreated }: KeyDialogProps, request: () => Promise<ApiKeyCreated>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: async (created) => {
      onCreated(created);
      await queryClient.invalidateQueries({ queryKey: apiKeysKey(organizationId, projectId) });
    },
  });
}

export function CreateApiKeyDialog(props: KeyDialogProps & { projectName: string }) {
  const { values, bind } = useForm({ name: '', expiresOn: '' });
  const create = useKeyMutation(props, () =>
    apiSend<ApiKeyCreated>('POST', apiKeysPath(props.organizationId, props.projectId), {
      name: values.name,
      // The key works through the whole chosen day, in the user's time zone.
      expiresAt: values.expiresOn ? new Date(`${values.expiresOn}T23:59:59`).toISOString() : null,
    }),
  );
  const errors = fieldErrors(create.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <Dialog open onClose={props.onClose} title="Create API key" description={<>For project <strong>{props.projectName}</strong>. Name keys after where they are used, e.g. “production”.</>} testId="create-api-key-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Name" error={errors.name}>
          <input className="input" autoFocus {...bind('name')} data-testid="api-key-name" />
        </Field>
        <Field label="Expires (optional)" error={errors.expiresAt} hint="Leave empty for a key that works until it is revoked.">
          <input className="input" type="date" {...bind('expiresOn')} data-testid="api-key-expires" />
        </Field>
        <FormError error={create.error} fields={['name', 'expiresAt']} />
        <FormActions onCancel={props.onClose} pending={create.isPending} submitLabel="Create key" pendingLabel="Creating…" submitTestId="api-key-submit" />
      </form>
    </Dialog>
  );
}

export function RotateApiKeyDialog(props: KeyDialogProps & { apiKey: ApiKey }) {
  const { values, bind } = useForm({ gracePeriodHours: '24' });
  const rotate = useKeyMutation(props, () =>
    apiSend<ApiKeyCreated>(
      'POST',
      `${apiKeysPath(props.organizationId, props.projectId)}/${props.apiKey.id}/rotate`,
      // Empty: the engine's default (24 hours).
      values.gracePeriodHours.trim() === '' ? {} : { gracePeriodHours: Number(values.gracePeriodHours) },
    ),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    rotate.mutate();
  }

  return (
    <Dialog
      open
      onClose={props.onClose}
      title={`Rotate "${props.apiKey.name}"`}
      description="Creates a new key with the same name. The old one keeps working for the grace period, so you can deploy the new one first."
      testId="rotate-api-key-dialog"
    >
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Grace period (hours)" error={fieldErrors(rotate.error).gracePeriodHours} hint="0 stops the old key at once; at most 720 (30 days).">
          <input className="input input--narrow" type="number" min={0} max={720} step={1} {...bind('gracePeriodHours')} data-testid="api-key-grace" />
        </Field>
        <FormError error={rotate.error} fields={['gracePeriodHours']} />
        <FormActions onCancel={props.onClose} pending={rotate.isPending} submitLabel="Rotate key" pendingLabel="Rotating…" submitTestId="api-key-rotate-submit" />
      </form>
    </Dialog>
  );
}
