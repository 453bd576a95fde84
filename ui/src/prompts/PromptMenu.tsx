import { Menu } from '../app/Menu';
import { usePermission } from '../orgs/Workspace';
import { bundleDownloadUrl } from './bundle';

interface PromptMenuProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  onDuplicate: () => void;
}

/** The prompt page's less frequent actions: export it as a bundle, copy it. */
export function PromptMenu({ organizationId, projectId, promptKey, onDuplicate }: PromptMenuProps) {
  const { allowed: writes, reason } = usePermission('prompt.write');
  return (
    <Menu label="More actions" trigger="More ▾" triggerClassName="button button--ghost button--small" testId="prompt-menu">
      {(close) => (
        <>
          <a role="menuitem" className="menu-item" href={bundleDownloadUrl(organizationId, projectId, [promptKey])} download onClick={close} data-testid="export-prompt">
            Export as JSON
          </a>
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            disabled={!writes}
            title={reason}
            onClick={() => {
              close();
              onDuplicate();
            }}
            data-testid="duplicate-prompt"
          >
            Duplicate…
          </button>
        </>
      )}
    </Menu>
  );
}
