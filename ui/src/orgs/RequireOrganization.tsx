import { useState, type ReactNode } from 'react';
import { EmptyState } from '../app/EmptyState';
import { CreateOrganizationDialog } from './CreateOrganizationDialog';
import { useWorkspace } from './Workspace';

/** The organization settings tabs need one; a user who left every organization is offered to create one. */
export function RequireOrganization({ children }: { children: ReactNode }) {
  const { organization } = useWorkspace();
  const [creating, setCreating] = useState(false);
  if (organization !== null) return children;
  return (
    <>
      <EmptyState
        icon="people"
        title="You are not in any organization"
        nextSteps={
          <button type="button" className="button" onClick={() => setCreating(true)}>
            Create organization
          </button>
        }
      >
        <p>Projects, keys and members belong to an organization. Create one, or ask an admin of an existing one to invite you.</p>
      </EmptyState>
      <CreateOrganizationDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
