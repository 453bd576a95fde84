import { useState } from 'react';
import { Icon } from '../app/Icon';
import { Menu } from '../app/Menu';
import { CreateOrganizationDialog } from './CreateOrganizationDialog';
import { useWorkspace } from './Workspace';

/** The sidebar's organization picker, with "Create organization". */
export function OrganizationSwitcher() {
  const { organizations, organization, selectOrganization } = useWorkspace();
  const [creating, setCreating] = useState(false);

  return (
    <>
      <Menu
        label="Switch organization"
        testId="org-switcher"
        triggerClassName="switcher"
        trigger={
          <>
            <span className="switcher-mark" aria-hidden="true">
              {(organization?.name ?? '?').slice(0, 1).toUpperCase()}
            </span>
            <span className="switcher-text">
              <span className="switcher-name" data-testid="current-organization">
                {organization?.name ?? 'No organization'}
              </span>
              <span className="switcher-detail">{organization ? `${organization.role}` : 'Create one to start'}</span>
            </span>
            <Icon name="selector" className="switcher-icon" />
          </>
        }
      >
        {(close) => (
          <>
            <p className="menu-heading">Organizations</p>
            {organizations.map((candidate) => (
              <button
                key={candidate.id}
                type="button"
                role="menuitem"
                className="menu-item"
                aria-current={candidate.id === organization?.id ? 'true' : undefined}
                onClick={() => {
                  selectOrganization(candidate.id);
                  close();
                }}
              >
                <span className="menu-item-text">{candidate.name}</span>
                {candidate.id === organization?.id && <Icon name="check" className="menu-item-check" />}
              </button>
            ))}
            <div className="menu-separator" role="separator" />
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => {
                close();
                setCreating(true);
              }}
              data-testid="create-organization"
            >
              <Icon name="plus" className="menu-item-icon" />
              Create organization
            </button>
          </>
        )}
      </Menu>
      <CreateOrganizationDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
