import { apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { PRODUCTION, promptPath, promptsKey, versionText, type PromptSummary, type PromptVersion } from './api';
import { DiffView } from './DiffView';

interface DeployDialogProps {
  organizationId: string;
  projectId: string;
  prompt: PromptSummary;
  versions: PromptVersion[];
  target: PromptVersion;
  onClose: () => void;
}

/** Points `production` at a version — a deploy, or a rollback when it is older — after showing what changes. */
export function DeployDialog({ organizationId, projectId, prompt, versions, target, onClose }: DeployDialogProps) {
  const deployedNumber = prompt.labels[PRODUCTION];
  const deployed = versions.find((version) => version.version === deployedNumber);
  const rollback = deployed !== undefined && target.version < deployed.version;
  const verb = rollback ? 'Roll back' : 'Deploy';

  return (
    <ConfirmDialog
      wide
      tone={rollback ? 'danger' : 'primary'}
      onClose={onClose}
      title={rollback ? `Roll back production to v${target.version}?` : `Deploy v${target.version} to production?`}
      confirmLabel={`${verb} to v${target.version}`}
      action={() => apiSend('PATCH', `${promptPath(organizationId, projectId, prompt.key)}/labels`, { labels: { [PRODUCTION]: target.version } })}
      invalidates={promptsKey(organizationId, projectId)}
      successMessage={`Production now serves v${target.version} of ${prompt.key}`}
    >
      <p>
        {deployed ? (
          <>
            Applications fetching <code>{prompt.key}</code> with the <code>production</code> label get <strong>v{target.version}</strong> instead of v
            {deployed.version} within seconds. This is recorded in the deploy history and can be undone the same way.
          </>
        ) : (
          <>
            Nothing is deployed yet. Applications fetching <code>{prompt.key}</code> with the <code>production</code> label start getting <strong>v{target.version}</strong>.
          </>
        )}
      </p>
      <DiffView
        oldText={deployed ? versionText(deployed) : ''}
        newText={versionText(target)}
        oldLabel={deployed ? `production (v${deployed.version})` : 'nothing deployed'}
        newLabel={`v${target.version}`}
        testId="deploy-diff"
      />
    </ConfirmDialog>
  );
}
