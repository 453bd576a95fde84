import { useId } from 'react';
import { useWorkspace } from '../orgs/Workspace';

/** Picks the project that project-scoped pages (prompts, traces, API keys) work in. */
export function ProjectSelector({ className = 'project-selector', testId }: { className?: string; testId?: string }) {
  const { projects, project, selectProject, projectsLoading, organization } = useWorkspace();
  const id = useId();
  if (organization === null) return null;
  return (
    <div className={className}>
      <label className="project-selector-label" htmlFor={id}>
        Project
      </label>
      <select
        id={id}
        className="select"
        value={project?.id ?? ''}
        onChange={(event) => selectProject(event.target.value)}
        disabled={projects.length === 0}
        data-testid={testId}
      >
        {projects.length === 0 && <option value="">{projectsLoading ? 'Loading…' : 'No projects yet'}</option>}
        {projects.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {candidate.name}
          </option>
        ))}
      </select>
    </div>
  );
}
