import { useState } from 'react';
import { apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { Field } from '../app/Field';
import { QueryFallback } from '../app/Table';
import { usePermission } from '../orgs/Workspace';
import { PRODUCTION, promptPath, promptsKey, useVersionDiff, type PromptSummary, type PromptVersion } from './api';
import { diffFromNothing } from './diffRows';
import { awaitingApproval, useProtectedLabels, type WithPromotionRequests } from './promotions';
import { VersionDiffView } from './VersionDiffView';

interface DeployDialogProps {
  organizationId: string;
  projectId: string;
  prompt: PromptSummary;
  target: PromptVersion;
  onClose: () => void;
}

/**
 * Points `production` at a version — a deploy, or a rollback when it is older — after showing what
 * changes. When production is protected and the user is no admin, it asks an admin instead.
 */
export function DeployDialog({ organizationId, projectId, prompt, target, onClose }: DeployDialogProps) {
  const deployed = prompt.labels[PRODUCTION];
  const rollback = deployed !== undefined && target.version < deployed;
  const verb = rollback ? 'Roll back' : 'Deploy';
  const protectedLabels = useProtectedLabels(organizationId, projectId);
  const isProtected = protectedLabels.data?.some((entry) => entry.label === PRODUCTION) ?? false;
  const { allowed: movesProtected } = usePermission('label.protected.move');
  const asks = isProtected && !movesProtected;
  const [comment, setComment] = useState('');
  const diff = useVersionDiff(organizationId, projectId, prompt.key, deployed ?? 0, target.version, deployed !== undefined);

  const title = asks
    ? `Ask an admin to ${rollback ? `roll production back to v${target.version}` : `deploy v${target.version}`}`
    : rollback
      ? `Roll back production to v${target.version}?`
      : `Deploy v${target.version} to production?`;

  return (
    <ConfirmDialog
      wide
      tone={rollback && !asks ? 'danger' : 'primary'}
      onClose={onClose}
      title={title}
      confirmLabel={asks ? 'Request approval' : `${verb} to v${target.version}`}
      action={() =>
        apiSend<WithPromotionRequests>('PATCH', `${promptPath(organizationId, projectId, prompt.key)}/labels`, {
          labels: { [PRODUCTION]: target.version },
          ...(asks && comment.trim() && { comment: comment.trim() }),
        })
      }
      invalidates={promptsKey(organizationId, projectId)}
      successMessage={(result) => awaitingApproval(result.promotionRequests) ?? `Production now serves v${target.version} of ${prompt.key}`}
    >
      {asks ? (
        <p className="note note--warn" data-testid="deploy-protected">
          <strong>Production is protected</strong>: this creates a promotion request.{' '}
          {deployed === undefined ? 'Nothing is served' : <>Applications keep getting v{deployed}</>} until an admin approves it; you can withdraw it meanwhile.
        </p>
      ) : (
        <p>
          {deployed !== undefined ? (
            <>
              Applications fetching <code>{prompt.key}</code> with the <code>production</code> label get <strong>v{target.version}</strong> instead of v{deployed} within seconds.
              This is recorded in the deploy history and can be undone the same way.
            </>
          ) : (
            <>
              Nothing is deployed yet. Applications fetching <code>{prompt.key}</code> with the <code>production</code> label start getting <strong>v{target.version}</strong>.
            </>
          )}
          {isProtected && <> Production is protected; as an admin, your change takes effect at once.</>}
        </p>
      )}
      {deployed === undefined ? (
        <VersionDiffView diff={diffFromNothing(prompt.kind, target)} fromLabel="nothing deployed" toLabel={`v${target.version}`} testId="deploy-diff" />
      ) : diff.isSuccess ? (
        <VersionDiffView diff={diff.data} fromLabel={`production (v${deployed})`} toLabel={`v${target.version}`} testId="deploy-diff" />
      ) : (
        <QueryFallback query={diff} what="the diff" />
      )}
      {asks && (
        <Field label="Comment for the approver (optional)">
          <textarea className="input textarea" rows={2} maxLength={500} value={comment} onChange={(event) => setComment(event.target.value)} data-testid="deploy-comment" />
        </Field>
      )}
    </ConfirmDialog>
  );
}
