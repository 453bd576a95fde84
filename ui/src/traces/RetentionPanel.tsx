import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { apiFetch, apiSend, fieldErrors } from '../app/api';
import { Field } from '../app/Field';
import { Panel } from '../app/Panel';
import { QueryFallback } from '../app/Table';
import { useToast } from '../app/Toasts';
import { formatCountOf } from '../app/format';
import { usePermission, useWorkspace } from '../orgs/Workspace';
import { ProjectSelector } from '../projects/ProjectSelector';

interface Retention {
  retentionDays: number | null;
}

const retentionPath = (organizationId: string, projectId: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}/trace-retention`;
const retentionKey = (organizationId: string, projectId: string) => ['orgs', organizationId, 'projects', projectId, 'trace-retention'] as const;

/** Settings › Projects: how long the current project keeps its traces (a job deletes older ones hourly). */
export function RetentionPanel() {
  const { organization, project } = useWorkspace();
  const { allowed } = usePermission('project.manage');
  if (!organization) return null;
  return (
    <Panel
      title="Trace retention"
      description="Traces older than this are deleted by a background job every hour. Leave it empty to keep traces forever."
      actions={<ProjectSelector className="project-selector project-selector--inline" testId="retention-project" />}
      testId="trace-retention"
    >
      {project ? <RetentionForm organizationId={organization.id} projectId={project.id} canChange={allowed} /> : <p className="muted">Create a project first.</p>}
    </Panel>
  );
}

function RetentionForm({ organizationId, projectId, canChange }: { organizationId: string; projectId: string; canChange: boolean }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const current = useQuery({ queryKey: retentionKey(organizationId, projectId), queryFn: () => apiFetch<Retention>(retentionPath(organizationId, projectId)) });
  const [days, setDays] = useState('');
  useEffect(() => setDays(current.data?.retentionDays?.toString() ?? ''), [current.data]);
  const save = useMutation({
    mutationFn: (retentionDays: number | null) => apiSend<Retention>('PATCH', retentionPath(organizationId, projectId), { retentionDays }),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: retentionKey(organizationId, projectId) });
      toast.success(saved.retentionDays === null ? 'Traces are kept forever' : `Traces are kept ${formatCountOf(saved.retentionDays, 'day')}`);
    },
  });
  if (!current.isSuccess) return <QueryFallback query={current} what="the retention" />;

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(days.trim() === '' ? null : Number(days));
  }

  return (
    <form className="inline-form" onSubmit={submit} noValidate>
      <Field label="Keep traces (days)" error={fieldErrors(save.error).retentionDays} hint="Empty: forever">
        <input className="input" type="number" min={1} max={36500} placeholder="forever" value={days} onChange={(event) => setDays(event.target.value)} disabled={!canChange} data-testid="retention-days" />
      </Field>
      {canChange && (
        <button type="submit" className="button" disabled={save.isPending} data-testid="retention-save">
          Save
        </button>
      )}
    </form>
  );
}
