import { formatMs } from '../analytics/measures';
import { formatCountOf } from '../app/format';
import { formatPassRate, formatRunModels, type VersionTestSummary } from './api';

/**
 * A version's tests on the versions timeline: how many answers it gave (playground turns and suite-run
 * cases), their average latency and tokens, and the pass rate of its newest completed suite run.
 */
export function VersionTestStats({ summary }: { summary: VersionTestSummary | undefined }) {
  if (!summary || (summary.testCount === 0 && !summary.latestSuiteRun)) return null;
  const { testCount, avgLatencyMs, avgTokens, latestSuiteRun } = summary;
  const parts = [
    formatCountOf(testCount, 'test'),
    avgLatencyMs !== null && `avg ${formatMs(avgLatencyMs)}`,
    avgTokens !== null && `avg ${Math.round(avgTokens)} tokens`,
    latestSuiteRun && `${formatPassRate(latestSuiteRun.passRate)} passed in the latest suite run (${formatRunModels(latestSuiteRun)})`,
  ].filter(Boolean);
  return (
    <p className="timeline-meta" data-testid="version-test-stats" title="Playground turns and suite-run answers of this version">
      {parts.join(' · ')}
    </p>
  );
}
