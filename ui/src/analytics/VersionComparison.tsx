import { useState } from 'react';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { useVersionComparison, type ComparedMeasure, type ComparedVersion, type TimeRange, type VersionStats } from './api';
import { formatCount, formatDecimal, formatDelta, formatMs, formatPercent, formatUsd } from './measures';

const measures: Array<{ field: ComparedMeasure; label: string; format: (value: number) => string; lowerIsBetter: boolean }> = [
  { field: 'traces', label: 'Traces', format: formatCount, lowerIsBetter: false },
  { field: 'errorRate', label: 'Error rate', format: formatPercent, lowerIsBetter: true },
  { field: 'avgLatencyMs', label: 'Average latency', format: formatMs, lowerIsBetter: true },
  { field: 'p50LatencyMs', label: 'Latency p50', format: formatMs, lowerIsBetter: true },
  { field: 'p95LatencyMs', label: 'Latency p95', format: formatMs, lowerIsBetter: true },
  { field: 'p99LatencyMs', label: 'Latency p99', format: formatMs, lowerIsBetter: true },
  { field: 'tokensPerTrace', label: 'Tokens per trace', format: formatDecimal, lowerIsBetter: true },
  { field: 'costPerTrace', label: 'Cost per trace', format: formatUsd, lowerIsBetter: true },
  { field: 'inputTokens', label: 'Input tokens', format: formatCount, lowerIsBetter: false },
  { field: 'outputTokens', label: 'Output tokens', format: formatCount, lowerIsBetter: false },
  { field: 'costUsd', label: 'Total cost', format: formatUsd, lowerIsBetter: false },
];

const valueOf = (version: ComparedVersion | null, field: ComparedMeasure, format: (value: number) => string) => {
  const value = version?.[field];
  return value === null || value === undefined ? '–' : format(value);
};

function deltaTone(delta: number | null, lowerIsBetter: boolean): string {
  // Volumes and totals are neither better nor worse; rates, latencies and per-trace amounts are better lower.
  if (delta === null || delta === 0 || !lowerIsBetter) return 'delta';
  return delta < 0 ? 'delta delta--better' : 'delta delta--worse';
}

interface VersionComparisonProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  range: TimeRange;
  versions: VersionStats[];
}

/** Two versions side by side; the engine picks the newest and the one before until the user chooses. */
export function VersionComparison({ organizationId, projectId, promptKey, range, versions }: VersionComparisonProps) {
  const [choice, setChoice] = useState<{ base: number | null; candidate: number | null }>({ base: null, candidate: null });
  const comparison = useVersionComparison(organizationId, projectId, promptKey, range, choice);
  const numbers = versions.flatMap((version) => (version.promptVersion === null ? [] : [version.promptVersion]));
  const base = comparison.data?.base ?? null;
  const candidate = comparison.data?.candidate ?? null;
  const picker = (side: 'base' | 'candidate', current: number | null) => (
    <select
      className="select select--compact"
      aria-label={side === 'base' ? 'Base version' : 'Candidate version'}
      data-testid={`compare-${side}`}
      value={current ?? ''}
      onChange={(event) => setChoice((previous) => ({ ...previous, [side]: Number(event.target.value) }))}
    >
      {current === null && <option value="">–</option>}
      {numbers.map((number) => (
        <option key={number} value={number}>
          v{number}
        </option>
      ))}
    </select>
  );

  return (
    <Panel title="Compare versions" description="The candidate's difference from the base; green is better." actions={<>{picker('base', base?.promptVersion ?? choice.base)} vs {picker('candidate', candidate?.promptVersion ?? choice.candidate)}</>} testId="version-comparison">
      {!comparison.data ? (
        <QueryFallback query={comparison} what="the comparison" />
      ) : numbers.length < 2 ? (
        <p className="muted">Comparisons need traces of at least two versions of this prompt in the range.</p>
      ) : (
        <Table columns={['Measure', `Base${base ? ` (v${base.promptVersion})` : ''}`, `Candidate${candidate ? ` (v${candidate.promptVersion})` : ''}`, 'Difference']} dense>
          {measures.map(({ field, label, format, lowerIsBetter }) => {
            const delta = comparison.data.delta?.[field] ?? null;
            return (
              <tr key={field} data-testid={`compare-row-${field}`}>
                <th scope="row">{label}</th>
                <td>{valueOf(base, field, format)}</td>
                <td>{valueOf(candidate, field, format)}</td>
                <td className={deltaTone(delta, lowerIsBetter)}>{formatDelta(delta, format)}</td>
              </tr>
            );
          })}
        </Table>
      )}
    </Panel>
  );
}
