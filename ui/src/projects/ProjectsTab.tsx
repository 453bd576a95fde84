import { useState } from 'react';
import { apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { formatDate } from '../app/format';
import { Panel } from '../app/Panel';
import { Table } from '../app/Table';
import { PermissionButton } from '../orgs/PermissionButton';
import { useWorkspace } from '../orgs/Workspace';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { ProtectedLabelsPanel } from '../prompts/ProtectedLabelsPanel';
import { ModelPricesPanel } from '../traces/ModelPricesPanel';
import { RetentionPanel } from '../traces/RetentionPanel';
import { projectsKey, projectsPath, type Project } from './api';
import { ProjectFormDialog } from './ProjectDialogs';

/** Settings › Projects: list, create, rename, delete; and each project's protected labels and trace retention; the organization's model prices. */
export function ProjectsTab() {
  return (
    <div className="settings-tab" data-testid="settings-projects">
      <RequireOrganization>
        <ProjectList />
        <ProtectedLabelsPanel />
        <RetentionPanel />
        <ModelPricesPanel />
      </RequireOrganization>
    </div>
  );
}

function ProjectList() {
  const { organization, projects, projectsLoading } = useWorkspace();
  const [editing, setEditing] = useState<Project | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Project | null>(null);
  if (!organization) return null;

  return (
    <Panel
      title="Projects"
      description="Each project has its own prompts, traces and API keys. Admins create and delete them."
      actions={
        <PermissionButton permission="project.manage" onClick={() => setEditing('new')} data-testid="new-project">
          New project
        </PermissionButton>
      }
    >
      {projectsLoading ? (
        <p className="muted">Loading projects…</p>
      ) : projects.length === 0 ? (
        <p className="muted">No projects yet.</p>
      ) : (
        <Table columns={['Name', 'Slug', 'Created', '']} testId="projects-table">
          {projects.map((project) => (
            <tr key={project.id} data-testid="project-row">
              <td>
                <div className="cell-title">{project.name}</div>
                {project.description && <div className="cell-detail">{project.description}</div>}
              </td>
              <td>
                <code>{project.slug}</code>
              </td>
              <td className="nowrap">{formatDate(project.createdAt)}</td>
              <td className="cell-actions">
                <PermissionButton permission="project.manage" className="button button--ghost button--small" onClick={() => setEditing(project)}>
                  Rename
                </PermissionButton>
                <PermissionButton permission="project.manage" className="button button--danger-ghost button--small" onClick={() => setDeleting(project)}>
                  Delete
                </PermissionButton>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <ProjectFormDialog
        organizationId={organization.id}
        open={editing !== null}
        project={editing === 'new' || editing === null ? undefined : editing}
        onClose={() => setEditing(null)}
      />
      {deleting && <DeleteProjectDialog organizationId={organization.id} project={deleting} onClose={() => setDeleting(null)} />}
    </Panel>
  );
}

function DeleteProjectDialog({ organizationId, project, onClose }: { organizationId: string; project: Project; onClose: () => void }) {
  return (
    <ConfirmDialog
      onClose={onClose}
      title={`Delete ${project.name}?`}
      confirmLabel="Delete project"
      action={(confirmSlug) => apiSend('DELETE', `${projectsPath(organizationId)}/${project.id}`, { confirmSlug })}
      invalidates={projectsKey(organizationId)}
      successMessage={`Deleted ${project.name}`}
      typeToConfirm={project.slug}
    >
      <p>Its prompts, traces and API keys are deleted with it; applications using its keys stop working. This cannot be undone.</p>
    </ConfirmDialog>
  );
}
