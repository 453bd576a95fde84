import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiSend, fieldErrors } from '../app/api';
import { Field } from '../app/Field';
import { formatDate } from '../app/format';
import { FormError } from '../app/FormError';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { useToast } from '../app/Toasts';
import { PermissionButton } from '../orgs/PermissionButton';
import { usePermission, useWorkspace } from '../orgs/Workspace';
import { ProjectSelector } from '../projects/ProjectSelector';
import { PRODUCTION } from './api';
import { labelNameProblem } from './labels';
import { protectedLabelsKey, protectedLabelsPath, useProtectedLabels } from './promotions';

/**
 * Settings › Projects: the labels of the current project that only admins move. A member's deploy
 * to one becomes a promotion request that an admin approves, seeing the diff.
 */
export function ProtectedLabelsPanel() {
  const { organization, project } = useWorkspace();
  const { allowed } = usePermission('label.protected.move');
  if (!organization) return null;
  return (
    <Panel
      title="Protected labels"
      description="Only admins and owners move a protected label. Anyone else's move (members, API keys) becomes a promotion request for an admin to approve."
      actions={<ProjectSelector className="project-selector project-selector--inline" testId="protected-labels-project" />}
      testId="protected-labels"
    >
      {!allowed && (
        <p className="note note--muted" data-testid="protected-labels-restricted">
          Admins and owners choose which labels are protected; your role in {organization.name} is <strong>{organization.role}</strong>.
        </p>
      )}
      {project ? <ProtectedLabels organizationId={organization.id} projectId={project.id} canChange={allowed} /> : <p className="muted">Create a project first.</p>}
    </Panel>
  );
}

function ProtectedLabels({ organizationId, projectId, canChange }: { organizationId: string; projectId: string; canChange: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const labels = useProtectedLabels(organizationId, projectId);
  const change = useMutation({
    mutationFn: ({ label, protect }: { label: string; protect: boolean }) =>
      protect
        ? apiSend('POST', protectedLabelsPath(organizationId, projectId), { label })
        : apiSend('DELETE', `${protectedLabelsPath(organizationId, projectId)}/${encodeURIComponent(label)}`),
    onSuccess: async (_, { label, protect }) => {
      await queryClient.invalidateQueries({ queryKey: protectedLabelsKey(organizationId, projectId) });
      toast.success(protect ? `${label} is protected` : `${label} is no longer protected`);
    },
  });

  if (!labels.isSuccess) return <QueryFallback query={labels} what="protected labels" />;
  return (
    <>
      {labels.data.length === 0 ? (
        <p className="muted" data-testid="protected-labels-empty">
          No label is protected: anyone who may edit prompts deploys to any label.
        </p>
      ) : (
        <Table columns={['Label', 'Protected since', '']} dense testId="protected-labels-table">
          {labels.data.map(({ label, createdAt }) => (
            <tr key={label} data-testid="protected-label-row">
              <td>
                <code>{label}</code>
              </td>
              <td className="nowrap">{formatDate(createdAt)}</td>
              <td className="cell-actions">
                <PermissionButton
                  permission="label.protected.move"
                  className="button button--danger-ghost button--small"
                  disabled={change.isPending}
                  onClick={() => change.mutate({ label, protect: false })}
                  data-testid="unprotect-label"
                >
                  Remove
                </PermissionButton>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {canChange && <ProtectForm taken={labels.data.map((entry) => entry.label)} pending={change.isPending} error={change.error} onProtect={(label, done) => change.mutate({ label, protect: true }, { onSuccess: done })} />}
    </>
  );
}

interface ProtectFormProps {
  taken: string[];
  pending: boolean;
  error: Error | null;
  /** Protects the label, then calls `done`. */
  onProtect: (label: string, done: () => void) => void;
}

function ProtectForm({ taken, pending, error, onProtect }: ProtectFormProps) {
  const [label, setLabel] = useState(taken.includes(PRODUCTION) ? '' : PRODUCTION);
  const [submitted, setSubmitted] = useState(false);
  const name = label.trim();
  const problem = name === '' ? (submitted ? 'Type a label name, e.g. production.' : null) : taken.includes(name) ? `${name} is already protected.` : labelNameProblem(name);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (name !== '' && problem === null) {
      onProtect(name, () => {
        setLabel('');
        setSubmitted(false);
      });
    }
  }

  return (
    <>
      <form className="inline-form protect-form" onSubmit={submit} noValidate>
        <Field label="Protect a label" error={problem ?? fieldErrors(error).label}>
          <input className="input input--mono" placeholder="e.g. production" autoComplete="off" spellCheck={false} value={label} onChange={(event) => setLabel(event.target.value)} data-testid="protect-label-input" />
        </Field>
        <button type="submit" className="button" disabled={pending} data-testid="protect-label-submit">
          {pending ? 'Saving…' : 'Protect'}
        </button>
      </form>
      <FormError error={error} fields={['label']} />
    </>
  );
}
