import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { AiCallChoice, organizationDefaults } from '../ai/AiCallChoice';
import { AiOffNote } from '../analysis/AiOffNote';
import { useAiStatus } from '../analysis/api';
import { apiSend } from '../app/api';
import { FormError } from '../app/FormError';
import { Panel } from '../app/Panel';
import { PermissionButton } from '../orgs/PermissionButton';
import type { PromptVersion } from '../prompts/api';
import { formatJudge, formatModel, formatPassRate, formatRunModels, isRunGoing, runChoiceFields, testStatsKey, useSuite, useSuiteAction, useSuites, type RunChoiceFields, type SuiteDetail, type TestRun } from './api';
import { CaseList } from './CaseList';
import { VersionPicker } from './pickers';
import { SuiteComparison } from './SuiteComparison';
import './prompt-tests.css';

interface TestSuitesPanelProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  /** Newest first. */
  versions: PromptVersion[];
}

/**
 * Test suites of a prompt: generate one with AI, edit its cases, run it against a version, provider
 * and model (a background run with a progress bar; an LLM judge — the run's model or another — scores
 * each criterion), see the pass rate per version and compare two versions case by case.
 */
export function TestSuitesPanel({ organizationId, projectId, promptKey, versions }: TestSuitesPanelProps) {
  const status = useAiStatus(organizationId);
  const disabled = status.data?.enabled === false;
  const suites = useSuites(organizationId, projectId, promptKey);
  const [chosenSuite, setChosenSuite] = useState<string | null>(null);
  const suiteId = chosenSuite ?? suites.data?.suites[0]?.id ?? null;
  const suite = useSuite(organizationId, projectId, promptKey, suiteId);
  const generate = useSuiteAction(organizationId, projectId, promptKey, (base, _: void) => apiSend<SuiteDetail>('POST', base, {}));

  return (
    <Panel
      title="Tests"
      description="Suites of test cases the answer must pass, generated from the prompt and its metadata; run against any version and model, judged criterion by criterion by the same model or another."
      testId="tests-panel"
      actions={
        <div className="tests-actions">
          {suites.data && suites.data.suites.length > 0 && (
            <select aria-label="Test suite" className="select select--compact" value={suiteId ?? ''} onChange={(event) => setChosenSuite(event.target.value)} data-testid="suite-picker">
              {suites.data.suites.map((each) => (
                <option key={each.id} value={each.id}>
                  {each.name} ({each.caseCount})
                </option>
              ))}
            </select>
          )}
          <PermissionButton
            permission="ai.use"
            disabled={disabled || status.isPending || generate.isPending || versions.length === 0}
            title={disabled ? 'AI is off for this organization' : undefined}
            onClick={() => generate.mutate(undefined, { onSuccess: (created) => setChosenSuite(created.suite.id) })}
            data-testid="generate-suite"
          >
            {generate.isPending ? 'Generating…' : 'Generate suite'}
          </PermissionButton>
        </div>
      }
    >
      <AiOffNote status={status} testId="tests-disabled" />
      <FormError error={generate.error} />
      {suites.isSuccess && suites.data.suites.length === 0 && <p className="muted" data-testid="tests-empty">No test suites yet: generate one from the prompt.</p>}
      {suite.data && <SuiteView organizationId={organizationId} projectId={projectId} promptKey={promptKey} versions={versions} detail={suite.data} aiDisabled={disabled} />}
    </Panel>
  );
}

function SuiteView({ organizationId, projectId, promptKey, versions, detail, aiDisabled }: TestSuitesPanelProps & { detail: SuiteDetail; aiDisabled: boolean }) {
  const [version, setVersion] = useState(versions[0]?.version ?? 1);
  const [answering, setAnswering] = useState(organizationDefaults);
  const [judging, setJudging] = useState(organizationDefaults);
  const base = `${detail.suite.id}`;
  const run = useSuiteAction(organizationId, projectId, promptKey, (suites, body: RunChoiceFields & { version: number }) => apiSend<TestRun>('POST', `${suites}/${base}/runs`, body));
  const newest = detail.runs[0];
  const going = isRunGoing(newest);
  const finishedRuns = detail.runs.filter((each) => !isRunGoing(each)).length;
  useStatsRefreshOnFinish(organizationId, projectId, promptKey, finishedRuns);

  return (
    <div className="suite" data-testid="suite">
      <CaseList organizationId={organizationId} projectId={projectId} promptKey={promptKey} suiteId={detail.suite.id} cases={detail.cases} latestRun={detail.latestRun} />
      <div className="suite-run tests-actions">
        <span>Run against</span>
        <VersionPicker versions={versions} value={version} onChange={setVersion} label="Version to test" testId="run-version" />
        <AiCallChoice organizationId={organizationId} value={answering} onChange={setAnswering} testId="run" />
      </div>
      <div className="suite-run tests-actions">
        <span>Judged by</span>
        <AiCallChoice organizationId={organizationId} value={judging} onChange={setJudging} testId="judge" followsLabel="Same as the run" />
        <PermissionButton
          permission="ai.use"
          disabled={aiDisabled || going || run.isPending || detail.cases.length === 0}
          onClick={() => run.mutate({ version, ...runChoiceFields(answering, judging) })}
          data-testid="run-suite"
        >
          {going ? 'Running…' : 'Run suite'}
        </PermissionButton>
      </div>
      <FormError error={run.error} />
      {newest && <RunProgress run={newest} />}
      {detail.passRateByVersion.length > 0 && (
        <table className="table tests-pass-rates" data-testid="pass-rates">
          <thead>
            <tr>
              <th>Version</th>
              <th>Pass rate</th>
              <th>Model</th>
              <th>Judge</th>
            </tr>
          </thead>
          <tbody>
            {detail.passRateByVersion.map((row) => (
              <tr key={row.version} data-testid={`pass-rate-v${row.version}`}>
                <td>v{row.version}</td>
                <td>
                  <strong>{formatPassRate(row.passRate)}</strong>
                </td>
                <td className="muted">{formatModel(row.provider, row.model)}</td>
                <td className="muted">{formatJudge(row) ?? 'Same as the run'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {versions.length > 1 && <SuiteComparison organizationId={organizationId} projectId={projectId} promptKey={promptKey} suiteId={detail.suite.id} versions={versions} finishedRuns={finishedRuns} />}
    </div>
  );
}

/** A finished run's answers count in its version's averages: the versions timeline and the playground's line are asked again. */
function useStatsRefreshOnFinish(organizationId: string, projectId: string, promptKey: string, finishedRuns: number) {
  const queryClient = useQueryClient();
  const seen = useRef(finishedRuns);
  useEffect(() => {
    if (seen.current === finishedRuns) return;
    seen.current = finishedRuns;
    void queryClient.invalidateQueries({ queryKey: testStatsKey(organizationId, projectId, promptKey) });
  }, [finishedRuns, queryClient, organizationId, projectId, promptKey]);
}

function RunProgress({ run }: { run: TestRun }) {
  if (isRunGoing(run)) {
    return (
      <div className="progress-row" role="status" data-testid="suite-run-progress">
        <progress max={Math.max(run.casesTotal, 1)} value={run.casesDone} aria-label="Cases run" />
        <span className="muted">
          v{run.version}: {run.casesDone} of {run.casesTotal} cases
        </span>
      </div>
    );
  }
  return (
    <p className={run.status === 'failed' ? 'note' : 'muted'} data-testid="suite-run-result">
      Last run, v{run.version} {formatRunModels(run)}: {run.status === 'failed' ? `failed — ${run.error}` : `${formatPassRate(run.passRate)} passed (${run.passed} passed, ${run.failed} failed${run.errored > 0 ? `, ${run.errored} errored — not judged` : ''})`}
    </p>
  );
}
