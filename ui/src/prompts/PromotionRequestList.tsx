import { useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime, formatRelative } from '../app/format';
import { useSignedIn } from '../auth/authState';
import { usePermission } from '../orgs/Workspace';
import { PromotionRequestDialog, type RequestIntent } from './PromotionRequestDialog';
import { moveOf, requesterOf, usePromotionRequests, type PromotionRequest, type PromotionStatus } from './promotions';

interface PromotionRequestListProps {
  organizationId: string;
  projectId: string;
  requests: PromotionRequest[];
  /** On the project's list, each request names (and links) its prompt. */
  showPromptKey?: boolean;
}

export const statusNames: Record<PromotionStatus, string> = {
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  cancelled: 'withdrawn',
  superseded: 'superseded',
};

const statusBadges: Record<PromotionStatus, string> = {
  pending: 'badge badge--warn',
  approved: 'badge badge--ok',
  rejected: 'badge badge--error',
  cancelled: 'badge',
  superseded: 'badge',
};

/** Requests to move protected labels, each with what the viewer may do about it. */
export function PromotionRequestList({ organizationId, projectId, requests, showPromptKey = false }: PromotionRequestListProps) {
  const [open, setOpen] = useState<{ request: PromotionRequest; intent: RequestIntent } | null>(null);
  return (
    <>
      <ul className="promotion-requests">
        {requests.map((request) => (
          <PromotionRequestRow key={request.id} request={request} showPromptKey={showPromptKey} onOpen={(intent) => setOpen({ request, intent })} />
        ))}
      </ul>
      {open && <PromotionRequestDialog organizationId={organizationId} projectId={projectId} request={open.request} intent={open.intent} onClose={() => setOpen(null)} />}
    </>
  );
}

function PromotionRequestRow({ request, showPromptKey, onOpen }: { request: PromotionRequest; showPromptKey: boolean; onOpen: (intent: RequestIntent) => void }) {
  const { user } = useSignedIn();
  const { allowed: decides } = usePermission('label.protected.move');
  const pending = request.status === 'pending';
  const mine = request.requestedBy.userId === user.id;
  return (
    <li className="promotion-request" data-testid="promotion-request" data-status={request.status}>
      <div className="promotion-request-line">
        <span className={statusBadges[request.status]} data-testid="promotion-status">
          {statusNames[request.status]}
        </span>
        <span className="promotion-request-what">
          <strong>{mine ? 'You' : requesterOf(request)}</strong> asked to move <code>{request.label}</code>
          {showPromptKey && (
            <>
              {' '}
              of{' '}
              <Link to={`/prompts/${encodeURIComponent(request.promptKey)}`}>
                <code>{request.promptKey}</code>
              </Link>
            </>
          )}{' '}
          <strong className="promotion-move">{moveOf(request)}</strong>
        </span>
        <span className="promotion-request-when muted" title={formatDateTime(request.createdAt)}>
          {formatRelative(request.createdAt)}
        </span>
      </div>
      {request.comment && <p className="promotion-comment">“{request.comment}”</p>}
      <Decision request={request} />
      <div className="promotion-request-actions">
        <button type="button" className="button button--ghost button--small" onClick={() => onOpen('view')} data-testid="promotion-view">
          View diff
        </button>
        {pending && decides && (
          <>
            <button type="button" className="button button--small" onClick={() => onOpen('approve')} data-testid="promotion-approve">
              Approve
            </button>
            <button type="button" className="button button--danger-ghost button--small" onClick={() => onOpen('reject')} data-testid="promotion-reject">
              Reject
            </button>
          </>
        )}
        {pending && mine && (
          <button type="button" className="button button--ghost button--small" onClick={() => onOpen('cancel')} data-testid="promotion-withdraw">
            Withdraw
          </button>
        )}
      </div>
    </li>
  );
}

const decisionVerbs: Partial<Record<PromotionStatus, string>> = { approved: 'Approved', rejected: 'Rejected', cancelled: 'Withdrawn' };

/** "Approved by Olivia Owner 2 minutes ago: “reviewed”". */
function Decision({ request }: { request: PromotionRequest }) {
  if (request.status === 'superseded') return <p className="promotion-decision muted">A later move of {request.label} replaced this request.</p>;
  const verb = decisionVerbs[request.status];
  if (!verb || !request.decidedAt) return null;
  return (
    <p className="promotion-decision muted" data-testid="promotion-decision">
      {verb}
      {request.decidedBy && ` by ${request.decidedBy.name ?? (request.status === 'cancelled' ? 'the requester' : 'an admin')}`} {formatRelative(request.decidedAt)}
      {request.decisionNote && <>: “{request.decisionNote}”</>}
    </p>
  );
}

/** The prompt page's banner: this prompt's requests that wait for an admin. */
export function PendingPromotions({ organizationId, projectId, promptKey }: { organizationId: string; projectId: string; promptKey: string }) {
  const pending = usePromotionRequests(organizationId, projectId, { status: 'pending', key: promptKey });
  const count = pending.data?.length ?? 0;
  if (count === 0) return null;
  return (
    <section className="promotion-banner" aria-labelledby="pending-promotions-title" data-testid="pending-promotions">
      <h2 id="pending-promotions-title" className="promotion-banner-title">
        {count === 1 ? 'A promotion request awaits approval' : `${count} promotion requests await approval`}
      </h2>
      <PromotionRequestList organizationId={organizationId} projectId={projectId} requests={pending.data ?? []} />
    </section>
  );
}
