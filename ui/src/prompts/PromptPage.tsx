import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { AnalysisPanel } from '../analysis/AnalysisPanel';
import { usePromptTestStats } from '../prompt-tests/api';
import { PlaygroundPanel } from '../prompt-tests/PlaygroundPanel';
import { TestSuitesPanel } from '../prompt-tests/TestSuitesPanel';
import type { AiEditTurn, HandedInstruction } from '../editing/AiEditPanel';
import { ApiError, apiSend } from '../app/api';
import { ConfirmDialog } from '../app/ConfirmDialog';
import { EmptyState } from '../app/EmptyState';
import { formatCountOf, formatRelative } from '../app/format';
import { PageShell } from '../app/PageShell';
import { Panel } from '../app/Panel';
import { QueryFallback } from '../app/Table';
import { useToast } from '../app/Toasts';
import { PermissionButton } from '../orgs/PermissionButton';
import { RequireOrganization } from '../orgs/RequireOrganization';
import { useWorkspace } from '../orgs/Workspace';
import { PRODUCTION, promptPath, promptsKey, usePromptDetail, type PromptDetail, type PromptVersion } from './api';
import { ComparePanel } from './ComparePanel';
import { DeployDialog } from './DeployDialog';
import { DuplicateDialog } from './DuplicateDialog';
import { LabelBadges } from './LabelBadges';
import { PromptDetails } from './PromptDetails';
import { PromptEditor } from './PromptEditor';
import { PromptMenu } from './PromptMenu';
import { PendingPromotions } from './PromotionRequestList';
import { SetLabelDialog } from './SetLabelDialog';
import { DeployHistory, VersionTimeline } from './VersionTimeline';

/** /prompts/:key — one prompt: editor, versions, deploys, diff and preview. */
export function PromptPage() {
  const { key = '' } = useParams();
  const { organization, project } = useWorkspace();
  return (
    <RequireOrganization>
      {organization && project ? (
        <PromptLoader organizationId={organization.id} projectId={project.id} promptKey={key} />
      ) : (
        <p className="muted">Loading…</p>
      )}
    </RequireOrganization>
  );
}

function PromptLoader({ organizationId, projectId, promptKey }: { organizationId: string; projectId: string; promptKey: string }) {
  const detail = usePromptDetail(organizationId, projectId, promptKey);
  if (detail.error instanceof ApiError && detail.error.status === 404) {
    return (
      <PageShell name="prompt" title="Prompt not found" description="">
        <EmptyState icon="prompts" title={`No prompt “${promptKey}” in this project`} nextSteps={<Link to="/prompts">Back to all prompts</Link>}>
          <p>It may have been deleted, or it belongs to another project; pick that project in the sidebar.</p>
        </EmptyState>
      </PageShell>
    );
  }
  if (!detail.isSuccess) return <QueryFallback query={detail} what="the prompt" />;
  // Keyed by prompt so the editor's draft starts over when another prompt opens.
  return <PromptView key={promptKey} organizationId={organizationId} projectId={projectId} detail={detail.data} />;
}

function PromptView({ organizationId, projectId, detail }: { organizationId: string; projectId: string; detail: PromptDetail }) {
  const { prompt, versions, history } = detail;
  const [deployTarget, setDeployTarget] = useState<PromptVersion | null>(null);
  const [labelTarget, setLabelTarget] = useState<PromptVersion | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [duplicating, setDuplicating] = useState(false);
  const [handedInstruction, setHandedInstruction] = useState<HandedInstruction | null>(null);
  const [aiEditTurns, setAiEditTurns] = useState<AiEditTurn[]>([]);
  const forgetHandedInstruction = useCallback(() => setHandedInstruction(null), []);
  const handToEditor = (text: string) => setHandedInstruction((previous) => ({ id: (previous?.id ?? 0) + 1, text }));
  const [searchParams, setSearchParams] = useSearchParams();
  const requestedTab = searchParams.get('tab');
  const tab: PromptTab = requestedTab === 'details' || requestedTab === 'tests' ? requestedTab : 'template';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const testStats = usePromptTestStats(organizationId, projectId, prompt.key);
  const restore = useMutation({
    mutationFn: (version: PromptVersion) =>
      apiSend<{ version: PromptVersion }>('POST', `${promptPath(organizationId, projectId, prompt.key)}/versions`, {
        ...(version.messages ? { messages: version.messages } : { template: version.template ?? '' }),
        config: version.config,
        commitMessage: `Restored from v${version.version}`,
      }),
    onSuccess: async (result, source) => {
      await queryClient.invalidateQueries({ queryKey: promptsKey(organizationId, projectId) });
      toast.success(`v${source.version} restored as v${result.version.version}`);
    },
    onError: (error) => toast.error(error.message),
  });
  const labels = Object.entries(prompt.labels).sort(([a], [b]) => (a === PRODUCTION ? -1 : b === PRODUCTION ? 1 : a.localeCompare(b)));

  return (
    <PageShell name="prompt" title={prompt.name} description={prompt.description ?? `A ${prompt.kind} prompt. Applications fetch it by its key.`}>
      <div className="prompt-header" data-testid="prompt-header">
        <Link to="/prompts" className="back-link">
          ← All prompts
        </Link>
        <code className="prompt-key prompt-key--large" data-testid="prompt-header-key">
          {prompt.key}
        </code>
        <span className="badge">{prompt.kind}</span>
        <LabelBadges labels={labels} />
        {prompt.tags.map((tag) => (
          <span key={tag} className="tag">
            {tag}
          </span>
        ))}
        <span className="muted prompt-updated">Updated {formatRelative(prompt.updatedAt)}</span>
        <PromptMenu organizationId={organizationId} projectId={projectId} promptKey={prompt.key} onDuplicate={() => setDuplicating(true)} />
      </div>
      <PendingPromotions organizationId={organizationId} projectId={projectId} promptKey={prompt.key} />
      <div className="prompt-layout">
        <div className="prompt-main">
          <PromptTabs current={tab} completeness={prompt.completeness} onSelect={(next) => setSearchParams(next === 'template' ? {} : { tab: next }, { replace: true })} />
          {/* Both stay mounted, so switching tabs keeps unsaved edits in either. */}
          <div role="tabpanel" id="prompt-tab-template" aria-labelledby="prompt-tab-template-button" className="prompt-tab" hidden={tab !== 'template'}>
            <PromptEditor
              key={versions[0]?.id ?? 'empty'}
              organizationId={organizationId}
              projectId={projectId}
              prompt={prompt}
              latest={versions[0]}
              handedInstruction={handedInstruction}
              onHandedInstructionTaken={forgetHandedInstruction}
              aiChat={{ turns: aiEditTurns, setTurns: setAiEditTurns }}
            />
            <ComparePanel organizationId={organizationId} projectId={projectId} promptKey={prompt.key} versions={versions} />
            <AnalysisPanel
              organizationId={organizationId}
              projectId={projectId}
              promptKey={prompt.key}
              versions={versions}
              onFixInEditor={(item) => handToEditor(`Apply this improvement: ${item}`)}
            />
          </div>
          <div role="tabpanel" id="prompt-tab-details" aria-labelledby="prompt-tab-details-button" className="prompt-tab" hidden={tab !== 'details'}>
            <PromptDetails
              organizationId={organizationId}
              projectId={projectId}
              prompt={prompt}
              promptText={textOf(versions[0])}
              onFixInEditor={(instruction) => {
                handToEditor(instruction);
                setSearchParams({}, { replace: true });
              }}
            />
          </div>
          <div role="tabpanel" id="prompt-tab-tests" aria-labelledby="prompt-tab-tests-button" className="prompt-tab" hidden={tab !== 'tests'}>
            <PlaygroundPanel organizationId={organizationId} projectId={projectId} promptKey={prompt.key} versions={versions} />
            <TestSuitesPanel organizationId={organizationId} projectId={projectId} promptKey={prompt.key} versions={versions} />
          </div>
        </div>
        <aside className="prompt-side">
          <VersionTimeline
            prompt={prompt}
            versions={versions}
            onDeploy={setDeployTarget}
            onSetLabel={setLabelTarget}
            onRestore={(version) => restore.mutate(version)}
            restoring={restore.isPending ? (restore.variables?.version ?? null) : null}
            testStats={testStats.data}
          />
          <DeployHistory history={history} />
          <Panel title="Fetch from your app" description="With a project API key (Settings › API keys).">
            <pre className="fetch-snippet">{`GET /api/v1/prompts/${prompt.key}?label=production\nX-API-Key: fp_…`}</pre>
          </Panel>
          <Panel title="Delete prompt" tone="danger" description="Removes every version and label. Applications fetching it get 404.">
            <PermissionButton permission="prompt.write" className="button button--danger-ghost" onClick={() => setDeleting(true)} data-testid="delete-prompt">
              Delete {prompt.key}
            </PermissionButton>
          </Panel>
        </aside>
      </div>
      {deployTarget && (
        <DeployDialog organizationId={organizationId} projectId={projectId} prompt={prompt} target={deployTarget} onClose={() => setDeployTarget(null)} />
      )}
      {duplicating && <DuplicateDialog organizationId={organizationId} projectId={projectId} prompt={prompt} onClose={() => setDuplicating(false)} />}
      {labelTarget && <SetLabelDialog organizationId={organizationId} projectId={projectId} prompt={prompt} target={labelTarget} onClose={() => setLabelTarget(null)} />}
      {deleting && (
        <ConfirmDialog
          onClose={() => setDeleting(false)}
          title={`Delete ${prompt.key}?`}
          confirmLabel="Delete prompt"
          typeToConfirm={prompt.key}
          action={async (typed) => {
            await apiSend('DELETE', promptPath(organizationId, projectId, prompt.key), { confirmSlug: typed });
            void navigate('/prompts');
          }}
          invalidates={promptsKey(organizationId, projectId)}
          successMessage={`Deleted ${prompt.key}`}
        >
          <p>
            All {formatCountOf(versions.length, 'version')} and the deploy history go with it. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </PageShell>
  );
}

type PromptTab = 'template' | 'details' | 'tests';

function PromptTabs({ current, completeness, onSelect }: { current: PromptTab; completeness: number; onSelect: (tab: PromptTab) => void }) {
  const tab = (id: PromptTab, label: ReactNode) => (
    <button
      type="button"
      role="tab"
      id={`prompt-tab-${id}-button`}
      aria-controls={`prompt-tab-${id}`}
      aria-selected={current === id}
      className="tab tab--button"
      onClick={() => onSelect(id)}
      data-testid={`tab-${id}`}
    >
      {label}
    </button>
  );
  return (
    <div className="tabs" role="tablist" aria-label="Prompt sections">
      {tab('template', 'Template')}
      {tab(
        'details',
        <>
          Details <span className="tab-pill" title="Completeness">{completeness}%</span>
        </>,
      )}
      {tab('tests', 'Tests')}
    </div>
  );
}

/** A version's text for the AI helpers: the template, or a chat prompt's system messages. */
function textOf(version: PromptVersion | undefined): string {
  if (!version) return '';
  return (
    version.template ??
    (version.messages ?? [])
      .filter((message) => message.role === 'system')
      .map((message) => message.content)
      .join('\n\n')
  );
}
