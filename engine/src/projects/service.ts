import { NotFoundError } from '../errors.js';
import type { Project } from '../data/provider.js';
import type { Services } from '../http/services.js';

/** The project, if it is in this organization; another organization's project does not exist (404). */
export async function requireProject(services: Services, organizationId: string, projectId: string): Promise<Project> {
  const project = await services.provider.projects.get(organizationId, projectId);
  if (!project) throw new NotFoundError('Project', 'project_not_found');
  return project;
}
