import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { Dialog } from '../app/Dialog';
import { Field } from '../app/Field';
import { FormActions } from '../app/FormActions';
import { FormError } from '../app/FormError';
import { useToast } from '../app/Toasts';
import { useForm } from '../app/useForm';
import { providerKeysKey, providerKeysPath, type ProviderKey } from './api';

export const serviceNames: Record<ProviderKey['service'], string> = {
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  custom: 'Custom (OpenAI-compatible)',
};

export function AddProviderKeyDialog({ organizationId, onClose }: { organizationId: string; onClose: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { values, bind } = useForm({ service: 'openrouter', name: '', apiKey: '', baseUrl: '' });
  const add = useMutation({
    mutationFn: () =>
      apiSend<ProviderKey>('POST', providerKeysPath(organizationId), {
        service: values.service,
        name: values.name,
        apiKey: values.apiKey,
        baseUrl: values.baseUrl.trim() || null,
      }),
    onSuccess: async (key) => {
      await queryClient.invalidateQueries({ queryKey: providerKeysKey(organizationId) });
      toast.success(`Added ${key.name}`);
      onClose();
    },
  });
  const errors = fieldErrors(add.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }

  return (
    <Dialog open onClose={onClose} title="Add provider key" description="Stored encrypted with this engine's ENCRYPTION_KEY." testId="add-provider-key-dialog">
      <form className="form" onSubmit={submit} noValidate>
        <Field label="Service" error={errors.service}>
          <select className="select" {...bind('service')}>
            {Object.entries(serviceNames).map(([service, name]) => (
              <option key={service} value={service}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" error={errors.name} hint="e.g. “Team OpenRouter”.">
          <input className="input" {...bind('name')} data-testid="provider-key-name" />
        </Field>
        <Field label="API key" error={errors.apiKey}>
          <input className="input input--mono" type="password" autoComplete="off" {...bind('apiKey')} data-testid="provider-key-secret" />
        </Field>
        {values.service === 'custom' && (
          <Field label="Base URL" error={errors.baseUrl} hint="The OpenAI-compatible endpoint, e.g. http://llm.internal:8000/v1.">
            <input className="input input--mono" type="url" {...bind('baseUrl')} />
          </Field>
        )}
        <FormError error={add.error} fields={['service', 'name', 'apiKey', 'baseUrl']} />
        <FormActions onCancel={onClose} pending={add.isPending} submitLabel="Add key" pendingLabel="Adding…" submitTestId="provider-key-submit" />
      </form>
    </Dialog>
  );
}
