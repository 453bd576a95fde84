import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { apiFetch, apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { formatDate } from '../app/format';
import { Panel } from '../app/Panel';
import { QueryFallback } from '../app/Table';
import { useToast } from '../app/Toasts';
import { PermissionButton } from '../orgs/PermissionButton';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { useWorkspace } from '../orgs/Workspace';
import { projectsKey } from '../projects/api';
import { customizePath, instructionsKey, instructionsPath, type InstructionsEntry } from './api';
import './ai-instructions.css';

/**
 * Settings › AI instructions: the system prompt behind each AI feature — the built-in default, or the
 * organization's own prompt (versioned and deployed like any other, in its `forprompt` project).
 */
export function AiInstructionsTab() {
  return (
    <div className="settings-tab" data-testid="settings-ai-instructions">
      <RequireOrganization>
        <InstructionsPanel />
      </RequireOrganization>
    </div>
  );
}

function InstructionsPanel() {
  const { organization } = useWorkspace();
  const [resetting, setResetting] = useState<InstructionsEntry | null>(null);
  const entries = useQuery({
    queryKey: instructionsKey(organization?.id ?? ''),
    queryFn: ({ signal }) => apiFetch<{ instructions: InstructionsEntry[] }>(instructionsPath(organization!.id), { signal }),
    enabled: organization !== null,
  });
  if (!organization) return null;

  return (
    <Panel
      title="AI instructions"
      description={
        <>
          Each AI feature follows a prompt. The built-in ones ship with the app and are updated with it; customize one to give this organization its own:
          it becomes a prompt in the <code>forprompt</code> project, and whatever version you deploy to <code>production</code> is used.
        </>
      }
    >
      {entries.isSuccess ? (
        <ul className="ai-instructions" data-testid="ai-instructions">
          {entries.data.instructions.map((entry) => (
            <InstructionsRow key={entry.task} organizationId={organization.id} entry={entry} onReset={() => setResetting(entry)} />
          ))}
        </ul>
      ) : (
        <QueryFallback query={entries} what="AI instructions" />
      )}
      {resetting && (
        <ConfirmDialog
          onClose={() => setResetting(null)}
          title={`Go back to the built-in ${resetting.name.toLowerCase()} instructions?`}
          confirmLabel="Delete our version"
          action={() => apiSend('DELETE', customizePath(organization.id, resetting.task))}
          invalidates={instructionsKey(organization.id)}
          successMessage={`${resetting.name} uses the built-in instructions again`}
        >
          <p>
            The prompt <code>{resetting.task}</code> in the <code>forprompt</code> project is deleted with all its versions.
          </p>
        </ConfirmDialog>
      )}
    </Panel>
  );
}

function InstructionsRow({ organizationId, entry, onReset }: { organizationId: string; entry: InstructionsEntry; onReset: () => void }) {
  const { selectProject } = useWorkspace();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const openPrompt = (projectId: string) => {
    selectProject(projectId);
    void navigate(`/prompts/${encodeURIComponent(entry.task)}`);
  };
  const customize = useMutation({
    mutationFn: () => apiSend<{ projectId: string; promptKey: string }>('POST', customizePath(organizationId, entry.task)),
    onSuccess: async (created) => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: projectsKey(organizationId) }), queryClient.invalidateQueries({ queryKey: instructionsKey(organizationId) })]);
      toast.success(`${entry.name}: your own version 1 is in production — edit it and deploy new versions`);
      openPrompt(created.projectId);
    },
    onError: (error) => toast.error(error instanceof Error ? error.message : String(error)),
  });
  const { active, override } = entry;

  return (
    <li className="ai-instructions-row" data-testid="ai-instructions-row" data-task={entry.task}>
      <div className="ai-instructions-head">
        <div>
          <div className="cell-title">{entry.name}</div>
          <div className="cell-detail">{entry.description}</div>
        </div>
        <span className={active.source === 'organization' ? 'badge badge--own' : 'badge'} data-testid="ai-instructions-source">
          {active.source === 'organization' ? `Your own · v${active.version}` : `Built-in · v${active.version}`}
        </span>
      </div>
      {override && override.productionVersion === null && (
        <p className="note note--muted">Your prompt has no version in production yet, so the built-in one is used. Deploy a version of it to production.</p>
      )}
      {entry.defaultChangedSinceOverride && (
        <p className="note note--warn" data-testid="ai-instructions-default-changed">
          The built-in instructions were updated{entry.defaultInstructions.updatedAt ? ` on ${formatDate(entry.defaultInstructions.updatedAt)}` : ''} (v
          {entry.defaultInstructions.version}) after you made your own; compare them below.
        </p>
      )}
      <details className="ai-instructions-text">
        <summary>{active.source === 'organization' ? 'Instructions in use (yours)' : 'Instructions in use'}</summary>
        <pre>{active.text}</pre>
      </details>
      {active.source === 'organization' && (
        <details className="ai-instructions-text">
          <summary>Built-in instructions (v{entry.defaultInstructions.version})</summary>
          <pre>{entry.defaultInstructions.text}</pre>
        </details>
      )}
      <div className="ai-instructions-actions">
        {override ? (
          <>
            <button type="button" className="button button--small" onClick={() => openPrompt(override.projectId)} data-testid="ai-instructions-open">
              Open prompt
            </button>
            <PermissionButton permission="org.manage" className="button button--danger-ghost button--small" onClick={onReset} data-testid="ai-instructions-reset">
              Use built-in
            </PermissionButton>
          </>
        ) : (
          <PermissionButton
            permission="org.manage"
            className="button button--small"
            disabled={customize.isPending}
            onClick={() => customize.mutate()}
            data-testid="ai-instructions-customize"
          >
            {customize.isPending ? 'Creating…' : 'Customize'}
          </PermissionButton>
        )}
      </div>
    </li>
  );
}
