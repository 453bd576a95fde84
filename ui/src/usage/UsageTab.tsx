import { Panel } from '../app/Panel';
import { QueryFallback, Table } from '../app/Table';
import { formatDate } from '../app/format';
import { useWorkspace } from '../orgs/Workspace';
import { useOrganizationUsage, type UsageTotals } from '../analytics/api';
import { RangePicker, useRangePreset } from '../analytics/RangePicker';
import { formatCount } from '../analytics/measures';

const columns = ['Traces', 'Spans', 'Input tokens', 'Output tokens', 'AI tokens'];

function UsageCells({ usage }: { usage: UsageTotals }) {
  return (
    <>
      <td>{formatCount(usage.traces)}</td>
      <td>{formatCount(usage.spans)}</td>
      <td>{formatCount(usage.inputTokens)}</td>
      <td>{formatCount(usage.outputTokens)}</td>
      <td>{formatCount(usage.aiTokens)}</td>
    </>
  );
}

/** Settings → Usage: what the organization sent and spent over a period, per project and per day. */
export function UsageTab() {
  const { organization } = useWorkspace();
  const { preset, range, choose } = useRangePreset('30d');
  const usage = useOrganizationUsage(organization?.id ?? '', range);
  if (!organization) return null;

  const rangePicker = <RangePicker preset={preset} onChange={choose} label="Period" testId="usage-range" />;

  return (
    <div className="settings-tab" data-testid="settings-usage">
      <Panel title={`Usage of ${organization.name}`} description="Traces and tokens your applications sent, and the tokens this engine's AI features spent." actions={rangePicker} testId="usage-totals">
        {!usage.data ? (
          <QueryFallback query={usage} what="usage" />
        ) : (
          <>
            <Table columns={['', ...columns]} dense>
              <tr data-testid="usage-total-row">
                <th scope="row">Total</th>
                <UsageCells usage={usage.data.totals} />
              </tr>
              {usage.data.projects.map((project) => (
                <tr key={project.projectId} data-testid={`usage-project-${project.projectName}`}>
                  <th scope="row">{project.projectName}</th>
                  <UsageCells usage={project} />
                </tr>
              ))}
            </Table>
            <p className="muted" data-testid="usage-ai-note">
              {usage.data.aiTokensNote}
            </p>
          </>
        )}
      </Panel>
      {usage.data && (
        <Panel title="Per day" description="UTC days, newest first." testId="usage-days">
          <Table columns={['Day', ...columns]} dense>
            {usage.data.days
              .filter((day) => day.traces > 0 || day.aiTokens > 0)
              .reverse()
              .map((day) => (
                <tr key={day.day}>
                  <th scope="row">{formatDate(`${day.day}T00:00:00Z`)}</th>
                  <UsageCells usage={day} />
                </tr>
              ))}
          </Table>
          {usage.data.days.every((day) => day.traces === 0 && day.aiTokens === 0) && <p className="muted">Nothing was used in this period.</p>}
        </Panel>
      )}
    </div>
  );
}
