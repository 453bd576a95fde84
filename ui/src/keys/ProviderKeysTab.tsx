import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch, apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { formatDate } from '../app/format';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { PermissionButton } from '../orgs/PermissionButton';
import { usePermission, useWorkspace } from '../orgs/Workspace';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { providerKeysKey, providerKeysPath, type ProviderKey } from './api';
import { AddProviderKeyDialog, serviceNames } from './AddProviderKeyDialog';

/** Settings › Provider keys: the organization's own LLM keys, encrypted at rest and shown masked. */
export function ProviderKeysTab() {
  return (
    <div className="settings-tab" data-testid="settings-provider-keys">
      <RequireOrganization>
        <ProviderKeysPanel />
      </RequireOrganization>
    </div>
  );
}

function ProviderKeysPanel() {
  const { organization } = useWorkspace();
  const { allowed } = usePermission('providerkey.manage');
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<ProviderKey | null>(null);
  if (!organization) return null;

  return (
    <Panel
      title="LLM provider keys"
      description="Your own OpenRouter, OpenAI or Anthropic keys, for AI features. They are encrypted at rest and never shown in full again."
      actions={
        <PermissionButton permission="providerkey.manage" onClick={() => setAdding(true)} data-testid="add-provider-key">
          Add key
        </PermissionButton>
      }
    >
      {allowed ? (
        <ProviderKeyTable organizationId={organization.id} onDelete={setDeleting} />
      ) : (
        <p className="note note--muted">Provider keys are managed by admins and owners.</p>
      )}
      {adding && <AddProviderKeyDialog organizationId={organization.id} onClose={() => setAdding(false)} />}
      {deleting && <DeleteProviderKeyDialog organizationId={organization.id} providerKey={deleting} onClose={() => setDeleting(null)} />}
    </Panel>
  );
}

function ProviderKeyTable({ organizationId, onDelete }: { organizationId: string; onDelete: (key: ProviderKey) => void }) {
  const keys = useQuery({
    queryKey: providerKeysKey(organizationId),
    queryFn: ({ signal }) => apiFetch<{ providerKeys: ProviderKey[] }>(providerKeysPath(organizationId), { signal }),
  });
  if (!keys.isSuccess) return <QueryFallback query={keys} what="keys" />;
  if (keys.data.providerKeys.length === 0) return <p className="muted">No provider keys yet.</p>;

  return (
    <Table columns={['Name', 'Service', 'Key', 'Added', '']} testId="provider-keys-table">
      {keys.data.providerKeys.map((key) => (
        <tr key={key.id} data-testid="provider-key-row">
          <td>
            <div className="cell-title">{key.name}</div>
            {key.baseUrl && <div className="cell-detail">{key.baseUrl}</div>}
          </td>
          <td>{serviceNames[key.service]}</td>
          <td>
            <code>{key.keyHint}</code>
          </td>
          <td className="nowrap">{formatDate(key.createdAt)}</td>
          <td className="cell-actions">
            <PermissionButton permission="providerkey.manage" className="button button--danger-ghost button--small" onClick={() => onDelete(key)}>
              Delete
            </PermissionButton>
          </td>
        </tr>
      ))}
    </Table>
  );
}

function DeleteProviderKeyDialog({ organizationId, providerKey, onClose }: { organizationId: string; providerKey: ProviderKey; onClose: () => void }) {
  return (
    <ConfirmDialog
      onClose={onClose}
      title={`Delete "${providerKey.name}"?`}
      confirmLabel="Delete key"
      action={() => apiSend('DELETE', `${providerKeysPath(organizationId)}/${providerKey.id}`)}
      invalidates={providerKeysKey(organizationId)}
      successMessage={`Deleted ${providerKey.name}`}
    >
      <p>AI features that use this {serviceNames[providerKey.service]} key stop working until another key is added.</p>
    </ConfirmDialog>
  );
}
