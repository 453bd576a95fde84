import { Link, useSearchParams } from 'react-router';
import { EmptyState } from '../app/EmptyState';
import { PageShell } from '../app/PageShell';
import { Panel } from '../app/Panel';
import { QueryFallback } from '../app/Table';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { usePermission, useWorkspace } from '../orgs/Workspace';
import { promotionStatuses, usePromotionRequests, type PromotionStatus } from './promotions';
import { PromotionRequestList, statusNames } from './PromotionRequestList';

const ALL = 'all';

/** /promotion-requests — the project's requests to move protected labels; pending ones first. */
export function PromotionRequestsPage() {
  return (
    <PageShell
      name="promotion-requests"
      title="Promotions"
      description="Moves of protected labels (like production) by members or API keys, waiting for an admin's approval."
    >
      <RequireOrganization>
        <RequestsPanel />
      </RequireOrganization>
    </PageShell>
  );
}

/** `?status=` (pending unless asked otherwise; `all` for every status). */
function useStatusFilter(): [PromotionStatus | typeof ALL, (status: string) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const asked = searchParams.get('status');
  const status = asked === ALL || promotionStatuses.includes(asked as PromotionStatus) ? (asked as PromotionStatus | typeof ALL) : 'pending';
  return [status, (next) => setSearchParams(next === 'pending' ? {} : { status: next }, { replace: true })];
}

function RequestsPanel() {
  const { organization, project } = useWorkspace();
  const [status, setStatus] = useStatusFilter();
  if (!organization) return null;
  return (
    <Panel
      title={project ? `Promotion requests in ${project.name}` : 'Promotion requests'}
      actions={
        <label className="prompt-filter">
          <span className="prompt-filter-label">Status</span>
          <select className="select select--compact" value={status} onChange={(event) => setStatus(event.target.value)} data-testid="promotion-status-filter">
            {promotionStatuses.map((option) => (
              <option key={option} value={option}>
                {statusNames[option]}
              </option>
            ))}
            <option value={ALL}>any status</option>
          </select>
        </label>
      }
      testId="promotion-requests-panel"
    >
      {project ? (
        <Requests organizationId={organization.id} projectId={project.id} status={status} />
      ) : (
        <p className="muted">Create a project in Settings › Projects first.</p>
      )}
    </Panel>
  );
}

function Requests({ organizationId, projectId, status }: { organizationId: string; projectId: string; status: PromotionStatus | typeof ALL }) {
  const requests = usePromotionRequests(organizationId, projectId, status === ALL ? {} : { status });
  const { allowed: decides } = usePermission('label.protected.move');
  if (!requests.isSuccess) return <QueryFallback query={requests} what="requests" />;
  if (requests.data.length === 0) {
    return (
      <EmptyState icon="check" title={status === 'pending' ? 'Nothing awaits approval' : `No ${status === ALL ? '' : `${statusNames[status]} `}requests`}>
        <p>
          When a member deploys to a protected label, the move waits here for {decides ? 'you or another admin' : 'an admin'} to approve it, with the diff it would deploy.
        </p>
        <p>
          Admins protect labels in <Link to="/settings/projects">Settings › Projects</Link>.
        </p>
      </EmptyState>
    );
  }
  return <PromotionRequestList organizationId={organizationId} projectId={projectId} requests={requests.data} showPromptKey />;
}
