import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../app/api';

export interface Project {
  id: string;
  organizationId: string;
  name: string;
  slug: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export const projectsKey = (organizationId: string) => ['orgs', organizationId, 'projects'] as const;
export const projectsPath = (organizationId: string) => `/api/dashboard/orgs/${organizationId}/projects`;

export function useProjects(organizationId: string | undefined) {
  return useQuery({
    queryKey: projectsKey(organizationId ?? ''),
    queryFn: ({ signal }) => apiFetch<{ projects: Project[] }>(projectsPath(organizationId ?? ''), { signal }),
    enabled: organizationId !== undefined,
    select: (data) => data.projects,
  });
}
