import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../app/EmptyState';
import { formatDateTime, formatRelative } from '../app/format';
import { PageShell } from '../app/PageShell';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { PermissionButton } from '../orgs/PermissionButton';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { usePermission, useWorkspace } from '../orgs/Workspace';
import { ConnectPanel } from '../onboarding/ConnectPanel';
import { noFilters, usePromptList, type PromptSummary } from './api';
import { bundleDownloadUrl } from './bundle';
import { CompletenessMeter } from './CompletenessBar';
import { LabelBadges } from './LabelBadges';
import { NewPromptDialog } from './NewPromptDialog';
import { NoFilterMatch, PromptFilterBar, usePromptFilters } from './PromptFilters';
import { usePromotionRequests } from './promotions';

// Imports are rare and for admins only: their dialog loads when opened, keeping the app's first load small.
const ImportDialog = lazy(() => import('./ImportDialog').then((module) => ({ default: module.ImportDialog })));

export function PromptsPage() {
  return (
    <PageShell name="prompts" title="Prompts" description="The system prompts your applications fetch at runtime, with their full history.">
      <RequireOrganization>
        <PromptList />
        <ConnectWhenEmpty />
      </RequireOrganization>
    </PageShell>
  );
}

function PromptList() {
  const { organization, project } = useWorkspace();
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [search, setSearch] = useState('');
  if (!organization) return null;

  return (
    <Panel
      title={project ? `Prompts in ${project.name}` : 'Prompts'}
      actions={
        <>
          <input
            className="input input--search"
            type="search"
            placeholder="Search by key or name"
            aria-label="Search prompts"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            data-testid="prompt-search"
          />
          {project && (
            <a className="button button--ghost" href={bundleDownloadUrl(organization.id, project.id)} download title="Every prompt of this project, with all versions and labels, as one JSON file" data-testid="export-prompts">
              Export
            </a>
          )}
          <PermissionButton permission="project.manage" className="button button--ghost" onClick={() => setImporting(true)} disabled={!project} data-testid="import-prompts">
            Import
          </PermissionButton>
          <PermissionButton permission="prompt.write" onClick={() => setCreating(true)} disabled={!project} data-testid="new-prompt">
            New prompt
          </PermissionButton>
        </>
      }
      testId="prompts-panel"
    >
      {project && <PendingRequestsNote organizationId={organization.id} projectId={project.id} />}
      {project ? (
        <PromptTable organizationId={organization.id} projectId={project.id} search={search} onCreate={() => setCreating(true)} />
      ) : (
        <p className="muted">Create a project in Settings › Projects first; prompts belong to a project.</p>
      )}
      {creating && project && <NewPromptDialog organizationId={organization.id} projectId={project.id} projectName={project.name} onClose={() => setCreating(false)} />}
      {importing && project && (
        <Suspense fallback={null}>
          <ImportDialog organizationId={organization.id} projectId={project.id} projectName={project.name} onClose={() => setImporting(false)} />
        </Suspense>
      )}
    </Panel>
  );
}

/** A project without prompts is being set up: offer to connect the app and the AI assistant too. */
function ConnectWhenEmpty() {
  const { organization, project } = useWorkspace();
  if (!organization || !project) return null;
  return <ConnectWhenNoPrompts organizationId={organization.id} projectId={project.id} projectName={project.name} />;
}

function ConnectWhenNoPrompts({ organizationId, projectId, projectName }: { organizationId: string; projectId: string; projectName: string }) {
  // The list's own query (same key), so no second request.
  const all = usePromptList(organizationId, projectId);
  return all.data?.prompts.length === 0 ? <ConnectPanel projectName={projectName} /> : null;
}

/** "2 promotion requests await approval", linking to them; nothing when none wait. */
function PendingRequestsNote({ organizationId, projectId }: { organizationId: string; projectId: string }) {
  const pending = usePromotionRequests(organizationId, projectId, { status: 'pending' });
  const count = pending.data?.length ?? 0;
  if (count === 0) return null;
  return (
    <p className="note note--warn promotion-note" data-testid="pending-requests-note">
      {count === 1 ? 'A promotion request awaits' : `${count} promotion requests await`} an admin's approval. <Link to="/promotion-requests">Review {count === 1 ? 'it' : 'them'} →</Link>
    </p>
  );
}

function matches(prompt: PromptSummary, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return needle === '' || prompt.key.toLowerCase().includes(needle) || prompt.name.toLowerCase().includes(needle);
}

function PromptTable({ organizationId, projectId, search, onCreate }: { organizationId: string; projectId: string; search: string; onCreate: () => void }) {
  const [filters, setFilters] = usePromptFilters();
  const all = usePromptList(organizationId, projectId);
  const list = usePromptList(organizationId, projectId, filters);
  const { allowed } = usePermission('prompt.write');
  if (!all.isSuccess) return <QueryFallback query={all} what="prompts" />;
  if (all.data.prompts.length === 0) return <FirstPrompt canCreate={allowed} onCreate={onCreate} />;
  return (
    <>
      <PromptFilterBar prompts={all.data.prompts} filters={filters} onChange={setFilters} />
      {!list.isSuccess ? (
        <QueryFallback query={list} what="prompts" />
      ) : list.data.prompts.length === 0 ? (
        <NoFilterMatch filters={filters} onClear={() => setFilters(noFilters)} />
      ) : (
        <PromptRows prompts={list.data.prompts.filter((prompt) => matches(prompt, search))} search={search} />
      )}
    </>
  );
}

function PromptRows({ prompts, search }: { prompts: PromptSummary[]; search: string }) {
  if (prompts.length === 0) return <p className="muted" data-testid="prompts-no-match">No prompt’s key or name contains “{search.trim()}”.</p>;
  return (
    <Table columns={['Prompt', 'Type', 'Tags', 'Labels', 'Completeness', 'Latest', 'Updated']} testId="prompts-table">
      {prompts.map((prompt) => (
        <tr key={prompt.key} data-testid="prompt-row">
          <td>
            <Link to={`/prompts/${encodeURIComponent(prompt.key)}`} className="prompt-link">
              <span className="cell-title">{prompt.name}</span>
              <code className="prompt-key">{prompt.key}</code>
            </Link>
          </td>
          <td>
            <span className="badge">{prompt.kind}</span>
          </td>
          <td>{prompt.tags.length > 0 ? <span className="tag-list">{prompt.tags.map((tag) => <span key={tag} className="tag">{tag}</span>)}</span> : <span className="muted">—</span>}</td>
          <td>
            <LabelBadges labels={Object.entries(prompt.labels).filter(([label]) => label !== 'latest')} />
            {Object.keys(prompt.labels).every((label) => label === 'latest') && <span className="muted">Not deployed</span>}
          </td>
          <td>
            <CompletenessMeter score={prompt.completeness} />
          </td>
          <td>{prompt.latestVersion === null ? <span className="muted">—</span> : `v${prompt.latestVersion}`}</td>
          <td className="nowrap" title={formatDateTime(prompt.updatedAt)}>
            {formatRelative(prompt.updatedAt)}
          </td>
        </tr>
      ))}
    </Table>
  );
}

function FirstPrompt({ canCreate, onCreate }: { canCreate: boolean; onCreate: () => void }) {
  return (
    <EmptyState
      icon="prompts"
      title="No prompts in this project yet"
      nextSteps={
        canCreate ? (
          <button type="button" className="button" onClick={onCreate} data-testid="first-prompt">
            Create your first prompt
          </button>
        ) : (
          <p className="muted">Your role can read prompts but not create them; ask a member, admin or owner.</p>
        )
      }
    >
      <p>
        Give a prompt a key (like <code>support.greeting</code>), write its template with <code>{'{{variables}}'}</code>, and deploy it to{' '}
        <code>production</code>. Every save becomes a new version you can compare, deploy or roll back to.
      </p>
      <p>
        Applications then fetch it with a project API key: <code>GET /api/v1/prompts/&lt;key&gt;</code>.
      </p>
    </EmptyState>
  );
}
