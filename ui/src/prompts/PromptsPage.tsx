import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '../app/EmptyState';
import { formatDateTime, formatRelative } from '../app/format';
import { PageShell } from '../app/PageShell';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { PermissionButton } from '../orgs/PermissionButton';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { usePermission, useWorkspace } from '../orgs/Workspace';
import { usePromptList, type PromptSummary } from './api';
import { LabelBadges } from './LabelBadges';
import { NewPromptDialog } from './NewPromptDialog';

export function PromptsPage() {
  return (
    <PageShell name="prompts" title="Prompts" description="The system prompts your applications fetch at runtime, with their full history.">
      <RequireOrganization>
        <PromptList />
      </RequireOrganization>
    </PageShell>
  );
}

function PromptList() {
  const { organization, project } = useWorkspace();
  const [creating, setCreating] = useState(false);
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
          <PermissionButton permission="prompt.write" onClick={() => setCreating(true)} disabled={!project} data-testid="new-prompt">
            New prompt
          </PermissionButton>
        </>
      }
      testId="prompts-panel"
    >
      {project ? (
        <PromptTable organizationId={organization.id} projectId={project.id} search={search} onCreate={() => setCreating(true)} />
      ) : (
        <p className="muted">Create a project in Settings › Projects first; prompts belong to a project.</p>
      )}
      {creating && project && <NewPromptDialog organizationId={organization.id} projectId={project.id} projectName={project.name} onClose={() => setCreating(false)} />}
    </Panel>
  );
}

function matches(prompt: PromptSummary, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return needle === '' || prompt.key.toLowerCase().includes(needle) || prompt.name.toLowerCase().includes(needle);
}

function PromptTable({ organizationId, projectId, search, onCreate }: { organizationId: string; projectId: string; search: string; onCreate: () => void }) {
  const list = usePromptList(organizationId, projectId);
  const { allowed } = usePermission('prompt.write');
  if (!list.isSuccess) return <QueryFallback query={list} what="prompts" />;
  const { prompts } = list.data;
  if (prompts.length === 0) return <FirstPrompt canCreate={allowed} onCreate={onCreate} />;
  const shown = prompts.filter((prompt) => matches(prompt, search));
  if (shown.length === 0) return <p className="muted" data-testid="prompts-no-match">No prompt’s key or name contains “{search.trim()}”.</p>;

  return (
    <Table columns={['Prompt', 'Type', 'Tags', 'Labels', 'Latest', 'Updated']} testId="prompts-table">
      {shown.map((prompt) => (
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
