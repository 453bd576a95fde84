import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFetch, apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { formatDate, formatDateTime, formatRelative } from '../app/format';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { PermissionButton } from '../orgs/PermissionButton';
import { usePermission, useWorkspace } from '../orgs/Workspace';
import type { Project } from '../projects/api';
import { ProjectSelector } from '../projects/ProjectSelector';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { ConnectPanel } from '../onboarding/ConnectPanel';
import { apiKeysKey, apiKeysPath, type ApiKey, type ApiKeyCreated } from './api';
import { CreateApiKeyDialog, RotateApiKeyDialog } from './ApiKeyDialogs';
import { ApiKeyStatus } from './ApiKeyStatus';
import { SecretDialog } from './SecretDialog';

/** Settings › API keys: the current project's keys for the SDK and the public API, and how to connect an app and an AI assistant. */
export function ApiKeysTab() {
  return (
    <div className="settings-tab" data-testid="settings-api-keys">
      <RequireOrganization>
        <ApiKeysPanel />
        <ConnectSection />
      </RequireOrganization>
    </div>
  );
}

function ConnectSection() {
  const { project } = useWorkspace();
  return project ? <ConnectPanel projectName={project.name} /> : null;
}

type KeyAction = { kind: 'create' } | { kind: 'rotate'; apiKey: ApiKey } | { kind: 'revoke'; apiKey: ApiKey };

function ApiKeysPanel() {
  const { organization, project } = useWorkspace();
  const { allowed } = usePermission('apikey.manage');
  const [dialog, setDialog] = useState<KeyAction | null>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  if (!organization) return null;

  function showSecret(key: ApiKeyCreated) {
    setDialog(null);
    setCreated(key);
  }

  return (
    <Panel
      title="API keys"
      description="Applications use a project key to fetch prompts and send traces. Each key is shown once, when it is created."
      actions={
        <>
          <ProjectSelector className="project-selector project-selector--inline" testId="api-keys-project" />
          <PermissionButton permission="apikey.manage" onClick={() => setDialog({ kind: 'create' })} disabled={!project} data-testid="create-api-key">
            Create API key
          </PermissionButton>
        </>
      }
    >
      {!allowed ? (
        <p className="note note--muted" data-testid="api-keys-restricted">
          API keys are managed by admins and owners; your role in {organization.name} is <strong>{organization.role}</strong>.
        </p>
      ) : project ? (
        <ApiKeyTable
          organizationId={organization.id}
          projectId={project.id}
          onRotate={(apiKey) => setDialog({ kind: 'rotate', apiKey })}
          onRevoke={(apiKey) => setDialog({ kind: 'revoke', apiKey })}
        />
      ) : (
        <p className="muted">Create a project first; keys belong to a project.</p>
      )}
      {project && dialog !== null && <KeyDialog dialog={dialog} organizationId={organization.id} project={project} onClose={() => setDialog(null)} onCreated={showSecret} />}
      <SecretDialog created={created} projectName={project?.name ?? ''} onClose={() => setCreated(null)} />
    </Panel>
  );
}

interface KeyDialogProps {
  dialog: KeyAction;
  organizationId: string;
  project: Project;
  onClose: () => void;
  onCreated: (created: ApiKeyCreated) => void;
}

/** The dialog of the chosen action: create, rotate (both end in the one-time secret) or revoke. */
function KeyDialog({ dialog, organizationId, project, onClose, onCreated }: KeyDialogProps) {
  const common = { organizationId, projectId: project.id, onClose, onCreated };
  switch (dialog.kind) {
    case 'create':
      return <CreateApiKeyDialog {...common} projectName={project.name} />;
    case 'rotate':
      return <RotateApiKeyDialog {...common} apiKey={dialog.apiKey} />;
    case 'revoke':
      return <RevokeDialog organizationId={organizationId} projectId={project.id} apiKey={dialog.apiKey} onClose={onClose} />;
  }
}

interface ApiKeyTableProps {
  organizationId: string;
  projectId: string;
  onRotate: (apiKey: ApiKey) => void;
  onRevoke: (apiKey: ApiKey) => void;
}

function ApiKeyTable({ organizationId, projectId, onRotate, onRevoke }: ApiKeyTableProps) {
  const keys = useQuery({
    queryKey: apiKeysKey(organizationId, projectId),
    queryFn: ({ signal }) => apiFetch<{ apiKeys: ApiKey[] }>(apiKeysPath(organizationId, projectId), { signal }),
  });
  if (!keys.isSuccess) return <QueryFallback query={keys} what="keys" />;
  if (keys.data.apiKeys.length === 0) return <p className="muted" data-testid="api-keys-empty">No keys yet. Create one for each place that calls ForPrompt.</p>;

  return (
    <Table columns={['Name', 'Key', 'Status', 'Last used', 'Created', '']} testId="api-keys-table">
      {keys.data.apiKeys.map((apiKey) => (
        <tr key={apiKey.id} data-testid="api-key-row" className={apiKey.status === 'revoked' ? 'row--inactive' : undefined}>
          <td className="cell-title">{apiKey.name}</td>
          <td>
            <code>{apiKey.keyPrefix}…</code>
          </td>
          <td>
            <ApiKeyStatus apiKey={apiKey} />
          </td>
          <td className="nowrap" title={apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : undefined}>
            {apiKey.lastUsedAt ? formatRelative(apiKey.lastUsedAt) : <span className="muted">Never</span>}
          </td>
          <td className="nowrap">{formatDate(apiKey.createdAt)}</td>
          <td className="cell-actions">
            {apiKey.status !== 'revoked' && apiKey.status !== 'expired' && (
              <>
                <PermissionButton permission="apikey.manage" className="button button--ghost button--small" onClick={() => onRotate(apiKey)}>
                  Rotate
                </PermissionButton>
                <PermissionButton permission="apikey.manage" className="button button--danger-ghost button--small" onClick={() => onRevoke(apiKey)}>
                  Revoke
                </PermissionButton>
              </>
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}

function RevokeDialog({ organizationId, projectId, apiKey, onClose }: { organizationId: string; projectId: string; apiKey: ApiKey; onClose: () => void }) {
  return (
    <ConfirmDialog
      onClose={onClose}
      title={`Revoke "${apiKey.name}"?`}
      confirmLabel="Revoke key"
      action={() => apiSend('DELETE', `${apiKeysPath(organizationId, projectId)}/${apiKey.id}`)}
      invalidates={apiKeysKey(organizationId, projectId)}
      successMessage={`Revoked ${apiKey.name}`}
    >
      <p>
        Requests with <code>{apiKey.keyPrefix}…</code> are refused from now on. Applications still using it stop working.
      </p>
    </ConfirmDialog>
  );
}
