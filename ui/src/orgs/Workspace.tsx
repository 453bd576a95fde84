import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { useSignedIn, type OrganizationSummary } from '../auth/authState';
import { useProjects, type Project } from '../projects/api';
import { lastOrganizationId, rememberOrganization } from './lastOrganization';
import { allows, needsRoleMessage, type Permission } from './permissions';

interface Workspace {
  organizations: OrganizationSummary[];
  /** The organization the pages work in; null only for a user who belongs to none. */
  organization: OrganizationSummary | null;
  selectOrganization(organizationId: string): void;
  projects: Project[];
  projectsLoading: boolean;
  project: Project | null;
  selectProject(projectId: string): void;
}

const WorkspaceContext = createContext<Workspace | null>(null);

const projectStorageKey = (organizationId: string) => `forprompt.project.${organizationId}`;

function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/**
 * The current organization (from `?org=<slug>` in the URL, else the last one used here, else the
 * first) and its current project (remembered per organization).
 */
export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const { organizations, activeOrganizationId } = useSignedIn();
  const [searchParams] = useSearchParams();
  const fromUrl = searchParams.get('org');
  const [chosenId, setChosenId] = useState<string | null>(() => {
    const linked = organizations.find((organization) => organization.slug === fromUrl || organization.id === fromUrl);
    if (linked) rememberOrganization(linked.id);
    return linked?.id ?? lastOrganizationId();
  });
  // With Clerk, the organization active in Clerk's switcher is the one to show.
  const organization =
    organizations.find((candidate) => candidate.id === (activeOrganizationId ?? chosenId)) ?? organizations[0] ?? null;

  const projectsQuery = useProjects(organization?.id);
  const projects = useMemo(() => projectsQuery.data ?? [], [projectsQuery.data]);
  const [projectChoice, setProjectChoice] = useState<{ organizationId: string; projectId: string } | null>(null);
  const storedProjectId =
    organization === null
      ? null
      : projectChoice?.organizationId === organization.id
        ? projectChoice.projectId
        : readStored(projectStorageKey(organization.id));
  const project = projects.find((candidate) => candidate.id === storedProjectId) ?? projects[0] ?? null;

  const workspace: Workspace = {
    organizations,
    organization,
    selectOrganization(organizationId) {
      rememberOrganization(organizationId);
      setChosenId(organizationId);
    },
    projects,
    projectsLoading: projectsQuery.isPending && organization !== null,
    project,
    selectProject(projectId) {
      if (!organization) return;
      try {
        window.localStorage.setItem(projectStorageKey(organization.id), projectId);
      } catch {
        // Storage disabled: the choice lasts for this visit.
      }
      setProjectChoice({ organizationId: organization.id, projectId });
    },
  };
  return <WorkspaceContext.Provider value={workspace}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): Workspace {
  const workspace = useContext(WorkspaceContext);
  if (!workspace) throw new Error('useWorkspace needs a WorkspaceProvider');
  return workspace;
}

/** Whether the current role may do something, and the tooltip to show when it may not. */
export function usePermission(permission: Permission): { allowed: boolean; reason: string | undefined } {
  const { organization } = useWorkspace();
  const allowed = organization !== null && allows(organization.role, permission);
  return { allowed, reason: allowed ? undefined : needsRoleMessage(permission) };
}
