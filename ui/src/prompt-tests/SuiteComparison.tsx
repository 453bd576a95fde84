import { useState } from 'react';
import type { PromptVersion } from '../prompts/api';
import { formatPassRate, formatRunModels, useComparison, type CaseResult, type TestRun } from './api';
import { VersionPicker } from './pickers';

interface SuiteComparisonProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  suiteId: string;
  /** Newest first; at least two. */
  versions: PromptVersion[];
  /** How many of the suite's runs have ended: the comparison refreshes when another does. */
  finishedRuns: number;
}

/** Two versions on the same suite: their newest completed runs' pass rates and each case's result side by side. */
export function SuiteComparison({ organizationId, projectId, promptKey, suiteId, versions, finishedRuns }: SuiteComparisonProps) {
  const [from, setFrom] = useState(versions[1]!.version);
  const [to, setTo] = useState(versions[0]!.version);
  const comparison = useComparison(organizationId, projectId, promptKey, suiteId, { from, to }, finishedRuns);
  const data = comparison.data;

  return (
    <div className="suite-compare" data-testid="suite-compare">
      <div className="tests-actions">
        <strong>Compare</strong>
        <VersionPicker versions={versions} value={from} onChange={setFrom} label="Compare from version" testId="suite-compare-from" />
        <span>with</span>
        <VersionPicker versions={versions} value={to} onChange={setTo} label="Compare to version" testId="suite-compare-to" />
      </div>
      {data && (
        <table className="table">
          <thead>
            <tr>
              <th>Case</th>
              <RunHeading side="from" version={data.from.version} run={data.from.run} />
              <RunHeading side="to" version={data.to.version} run={data.to.run} />
            </tr>
          </thead>
          <tbody>
            {data.cases.map((row) => (
              <tr key={row.caseId}>
                <td>{row.input}</td>
                <td>
                  <Outcome result={row.from} />
                </td>
                <td>
                  <Outcome result={row.to} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Outcome({ result }: { result: CaseResult | null }) {
  if (!result) return <span className="muted">—</span>;
  const failedCriteria = result.verdicts.filter((verdict) => !verdict.passed);
  return (
    <span title={result.error ?? failedCriteria.map((verdict) => `${verdict.criterion}: ${verdict.reason}`).join('\n')}>
      <span className={`case-status case-status--${result.status}`}>{result.status}</span>
      {failedCriteria.length > 0 && <span className="muted"> · {failedCriteria.length} {failedCriteria.length === 1 ? 'criterion' : 'criteria'} unmet</span>}
    </span>
  );
}

/** A column of the comparison: the version, its newest completed run's pass rate, and what ran and judged it. */
function RunHeading({ side, version, run }: { side: 'from' | 'to'; version: number; run: TestRun | null }) {
  return (
    <th>
      <span data-testid={`suite-compare-${side}-rate`}>
        v{version} · {run ? formatPassRate(run.passRate) : 'not run'}
      </span>
      {run && (
        <span className="muted suite-compare-models" data-testid={`suite-compare-${side}-models`}>
          {formatRunModels(run)}
        </span>
      )}
    </th>
  );
}
