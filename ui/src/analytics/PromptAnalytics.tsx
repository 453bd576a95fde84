import { useMemo } from 'react';
import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { formatDateTime } from '../app/format';
import { usePromptSeries, usePromptVersions, type SeriesPoint, type TimeRange } from './api';
import { formatCount, formatMs, formatPercent, formatUsd, formatUsdTicks } from './measures';
import { TimeChart, type ChartSeries } from './TimeChart';
import { VersionComparison } from './VersionComparison';

interface PromptAnalyticsProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  range: TimeRange;
}

const colors = { volume: '#4f46e5', error: '#d92d20', p50: '#12a150', p95: '#d97706', p99: '#d92d20', input: '#4f46e5', output: '#0ea5e9', cost: '#7c3aed' };

function chartsOf(points: SeriesPoint[]) {
  const pick = (read: (point: SeriesPoint) => number | null) => points.map(read);
  return {
    times: points.map((point) => point.bucketStart),
    volume: [
      { label: 'Traces', color: colors.volume, values: pick((point) => point.traces) },
      { label: 'Errors', color: colors.error, values: pick((point) => point.errorTraces) },
    ],
    errorRate: [{ label: 'Error rate', color: colors.error, values: pick((point) => (point.traces === 0 ? null : point.errorRate)) }],
    latency: [
      { label: 'p50', color: colors.p50, values: pick((point) => point.p50LatencyMs) },
      { label: 'p95', color: colors.p95, values: pick((point) => point.p95LatencyMs) },
      { label: 'p99', color: colors.p99, values: pick((point) => point.p99LatencyMs) },
    ],
    tokens: [
      { label: 'Input tokens', color: colors.input, values: pick((point) => point.inputTokens) },
      { label: 'Output tokens', color: colors.output, values: pick((point) => point.outputTokens) },
    ],
    cost: [{ label: 'Cost', color: colors.cost, values: pick((point) => point.costUsd) }],
  } satisfies Record<string, ChartSeries[] | string[]>;
}

/** One prompt over the range: charts over time, a row per version, and two versions compared. */
export function PromptAnalytics({ organizationId, projectId, promptKey, range }: PromptAnalyticsProps) {
  const series = usePromptSeries(organizationId, projectId, promptKey, range);
  const versions = usePromptVersions(organizationId, projectId, promptKey, range);
  const charts = useMemo(() => (series.data ? chartsOf(series.data.points) : null), [series.data]);

  return (
    <>
      <Panel title={`${promptKey} over time`} description={series.data ? `Per ${series.data.bucket}, in UTC.` : undefined} testId="analytics-charts">
        {!charts ? (
          <QueryFallback query={series} what="the charts" />
        ) : (
          <div className="chart-grid">
            <TimeChart title="Volume" times={charts.times} series={charts.volume} formatValue={formatCount} minStep={1} testId="chart-volume" />
            <TimeChart title="Latency" times={charts.times} series={charts.latency} formatValue={formatMs} minStep={1} testId="chart-latency" />
            <TimeChart title="Error rate" times={charts.times} series={charts.errorRate} formatValue={formatPercent} minStep={0.0001} testId="chart-errors" />
            <TimeChart title="Tokens" times={charts.times} series={charts.tokens} formatValue={formatCount} minStep={1} testId="chart-tokens" />
            <TimeChart title="Cost" times={charts.times} series={charts.cost} formatValue={formatUsd} formatTicks={formatUsdTicks} minStep={0.000001} testId="chart-cost" />
          </div>
        )}
      </Panel>
      <Panel title="Versions" description="Each version's traces in the range." testId="analytics-versions">
        {!versions.data ? (
          <QueryFallback query={versions} what="versions" />
        ) : (
          <Table columns={['Version', 'Traces', 'Error rate', 'p50', 'p95', 'p99', 'Tokens in / out', 'Cost', 'Last trace']} dense>
            {versions.data.versions.map((version) => (
              <tr key={version.promptVersion ?? 'none'} data-testid={`version-row-${version.promptVersion ?? 'none'}`}>
                <th scope="row">{version.promptVersion === null ? 'No version' : `v${version.promptVersion}`}</th>
                <td>{formatCount(version.traces)}</td>
                <td>{formatPercent(version.errorRate)}</td>
                <td>{formatMs(version.p50LatencyMs)}</td>
                <td>{formatMs(version.p95LatencyMs)}</td>
                <td>{formatMs(version.p99LatencyMs)}</td>
                <td>
                  {formatCount(version.inputTokens)} / {formatCount(version.outputTokens)}
                </td>
                <td>{formatUsd(version.costUsd)}</td>
                <td>{formatDateTime(version.lastSeenAt)}</td>
              </tr>
            ))}
          </Table>
        )}
      </Panel>
      {versions.data && <VersionComparison key={promptKey} organizationId={organizationId} projectId={projectId} promptKey={promptKey} range={range} versions={versions.data.versions} />}
    </>
  );
}
