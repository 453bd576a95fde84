import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useAiStatus } from '../analysis/api';
import { FormError } from '../app/FormError';
import { formatCountOf } from '../app/format';
import { PermissionButton } from '../orgs/PermissionButton';
import { isRunGoing, reportsKey, useLatestReportRun, useStartReportRun, type ReportRun } from './api';

interface GenerateReportsProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  /** Say here how to enable AI when it is off (the panel says it itself while it has no reports to show). */
  explainDisabled: boolean;
}

/**
 * Starts a report run on the engine (a background job: leaving the page does not stop it) and shows its
 * progress while it goes; the reports list refreshes as the run writes reports.
 */
export function GenerateReports({ organizationId, projectId, promptKey, explainDisabled }: GenerateReportsProps) {
  const ai = useAiStatus(organizationId);
  const latest = useLatestReportRun(organizationId, projectId, promptKey);
  const start = useStartReportRun(organizationId, projectId, promptKey);
  const queryClient = useQueryClient();
  const run = latest.data?.run ?? null;
  const going = isRunGoing(run);
  const disabled = ai.data?.enabled === false;

  // Each step of the run may have written reports: show them as they arrive.
  const step = run ? `${run.status}-${run.conversationsDone}-${run.batchReports}-${run.versionReports}` : null;
  useEffect(() => {
    if (step) void queryClient.invalidateQueries({ queryKey: reportsKey(organizationId, projectId, promptKey) });
  }, [step, queryClient, organizationId, projectId, promptKey]);

  return (
    <div className="generate-reports" data-testid="generate-reports">
      <PermissionButton
        permission="ai.use"
        disabled={disabled || ai.isPending || going || start.isPending}
        title={disabled ? 'AI is off for this organization' : undefined}
        onClick={() => start.mutate()}
        data-testid="generate-reports-button"
      >
        {going ? 'Generating…' : run?.status === 'failed' ? 'Generate reports again' : 'Generate reports'}
      </PermissionButton>
      {disabled && explainDisabled && (
        <p className="note" data-testid="generate-reports-disabled">
          Generating reports needs an AI provider. {ai.data?.hint}
        </p>
      )}
      {run && <RunProgress run={run} />}
      <FormError error={start.error} />
    </div>
  );
}

function RunProgress({ run }: { run: ReportRun }) {
  const counted = `${run.conversationsDone} of ${run.conversationsTotal} conversations analysed`;
  const written = `${formatCountOf(run.batchReports, 'batch report')} and ${formatCountOf(run.versionReports, 'version report')} written`;
  if (isRunGoing(run)) {
    return (
      <div className="progress-row" role="status" data-testid="report-run-progress">
        <progress max={Math.max(run.conversationsTotal, 1)} value={run.conversationsDone} aria-label="Conversations analysed" />
        <span>{run.status === 'queued' ? 'Queued…' : `${counted}…`}</span>
      </div>
    );
  }
  // A failed run says why first (e.g. interrupted when the engine stopped); a completed one lists what failed last.
  const failed = run.status === 'failed';
  return (
    <p className={failed ? 'note' : 'muted'} role="status" data-testid="report-run-result">
      {failed ? `The last run failed${run.error ? ` — ${run.error}` : ''}. ` : 'Last run: '}
      {counted}
      {run.conversationsFailed > 0 && ` (${run.conversationsFailed} failed)`}, {written}.{!failed && run.error && ` ${run.error}`}
    </p>
  );
}

