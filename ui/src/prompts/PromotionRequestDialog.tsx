import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../app/api';
import { Dialog, DialogActions } from '../app/Dialog';
import { Field } from '../app/Field';
import { formatRelative } from '../app/format';
import { FormError } from '../app/FormError';
import { QueryFallback } from '../app/Table';
import { useToast } from '../app/Toasts';
import { useSignedIn } from '../auth/authState';
import { usePermission } from '../orgs/Workspace';
import { promptsKey, useVersionDiff } from './api';
import { decidePromotion, moveOf, requesterOf, usePromotionRequest, type PromotionDecision, type PromotionRequest } from './promotions';
import { VersionDiffView } from './VersionDiffView';

/** What the dialog opened for: looking at the diff, or one decision. */
export type RequestIntent = 'view' | PromotionDecision;

interface PromotionRequestDialogProps {
  organizationId: string;
  projectId: string;
  request: PromotionRequest;
  intent: RequestIntent;
  onClose: () => void;
}

const buttons: Record<PromotionDecision, { label: string; pending: string; className: string }> = {
  approve: { label: 'Approve and deploy', pending: 'Approving…', className: 'button' },
  reject: { label: 'Reject', pending: 'Rejecting…', className: 'button button--danger' },
  cancel: { label: 'Withdraw request', pending: 'Withdrawing…', className: 'button button--danger' },
};

function doneMessage(request: PromotionRequest, decision: PromotionDecision): string {
  const what = `${request.label} of ${request.promptKey}`;
  if (decision === 'approve') return `Approved: ${what} now points at v${request.toVersion}`;
  if (decision === 'reject') return `Rejected the request to move ${what} to v${request.toVersion}`;
  return `Withdrew your request to move ${what}`;
}

/**
 * A promotion request with the diff approving it would deploy (from what the label serves now), and
 * the decisions the viewer may take: admins approve or reject, the requester withdraws; each with a note.
 */
export function PromotionRequestDialog({ organizationId, projectId, request, intent, onClose }: PromotionRequestDialogProps) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const { user } = useSignedIn();
  const { allowed: decides } = usePermission('label.protected.move');
  const detail = usePromotionRequest(organizationId, projectId, request.id);
  const [note, setNote] = useState('');
  const current = detail.data?.request ?? request;
  const pending = current.status === 'pending';
  // Approving last: the main button, and what Enter does.
  const allowed: PromotionDecision[] = [...(current.requestedBy.userId === user.id ? (['cancel'] as const) : []), ...(decides ? (['reject', 'approve'] as const) : [])];
  const offered = pending ? allowed.filter((decision) => intent === 'view' || decision === intent) : [];

  const decide = useMutation({
    mutationFn: (decision: PromotionDecision) => decidePromotion(organizationId, projectId, request.id, decision, note),
    onSuccess: async (decided, decision) => {
      await queryClient.invalidateQueries({ queryKey: promptsKey(organizationId, projectId) });
      toast.success(doneMessage(decided, decision));
      onClose();
    },
    onError: async (error) => {
      // Decided meanwhile (409): show what it became.
      if (error instanceof ApiError && error.status === 409) await queryClient.invalidateQueries({ queryKey: promptsKey(organizationId, projectId) });
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const decision = offered.at(-1);
    if (decision) decide.mutate(decision);
  }

  // The engine diffs from what the label serves now; once decided, what was asked for is the diff that matters.
  const decided = !pending && current.fromVersion !== null;
  const asked = useVersionDiff(organizationId, projectId, current.promptKey, current.fromVersion ?? 0, current.toVersion, decided);
  const shown = decided ? asked : detail;
  const diff = decided ? asked.data : detail.data?.diff;
  return (
    <Dialog
      open
      wide
      onClose={onClose}
      title={`${current.label} of ${current.promptKey}: ${moveOf(current)}`}
      description={
        <>
          {current.requestedBy.userId === user.id ? 'You' : requesterOf(current)} asked {formatRelative(current.createdAt)}.
          {!pending && <> This request is {current.status === 'cancelled' ? 'withdrawn' : current.status}.</>}
        </>
      }
      testId="promotion-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body">
          {current.comment && <p className="promotion-comment">“{current.comment}”</p>}
          {!shown.isSuccess ? (
            <QueryFallback query={shown} what="the diff" />
          ) : diff ? (
            <VersionDiffView diff={diff} fromLabel={pending ? `${current.label} (v${diff.from})` : `v${diff.from}`} toLabel={`v${diff.to}`} testId="promotion-diff" />
          ) : (
            <p className="muted">
              <code>{current.label}</code> points at no version yet: approving sets it to v{current.toVersion}.
            </p>
          )}
          {offered.length > 0 && (
            <Field label="Note (optional)" hint={offered.includes('cancel') ? 'Why you withdraw it.' : 'Shown to the requester with your decision.'}>
              <textarea className="input textarea" rows={2} maxLength={1000} value={note} onChange={(event) => setNote(event.target.value)} data-testid="promotion-note" />
            </Field>
          )}
        </div>
        <FormError error={decide.error} />
        <DialogActions>
          <button type="button" className="button button--ghost" onClick={onClose}>
            {offered.length > 0 ? 'Cancel' : 'Close'}
          </button>
          {offered.map((decision, index) => (
            <button
              key={decision}
              type={index === offered.length - 1 ? 'submit' : 'button'}
              className={index === offered.length - 1 ? buttons[decision].className : 'button button--ghost'}
              disabled={decide.isPending}
              onClick={index === offered.length - 1 ? undefined : () => decide.mutate(decision)}
              data-testid={`promotion-${decision}-confirm`}
            >
              {decide.isPending && decide.variables === decision ? buttons[decision].pending : buttons[decision].label}
            </button>
          ))}
        </DialogActions>
      </form>
    </Dialog>
  );
}
