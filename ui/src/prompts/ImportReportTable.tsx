import { Table } from '../app/Table';
import type { ImportReport, ImportResult, ImportStatus } from './bundle';

const statusBadges: Record<ImportStatus, string> = {
  created: 'badge badge--ok',
  updated: 'badge badge--accent',
  merged: 'badge badge--warn',
  unchanged: 'badge',
  conflict: 'badge badge--error',
};

const summaryOrder = [
  ['created', 'created'],
  ['updated', 'updated'],
  ['merged', 'merged'],
  ['unchanged', 'unchanged'],
  ['conflicts', 'conflict'],
] as const;

function labelMoves(result: ImportResult): string {
  return result.labelsMoved.map(({ label, from, to }) => (from === null ? `${label} → v${to}` : `${label} v${from} → v${to}`)).join(', ');
}

/** An import prompt by prompt: what happened (or, in a dry run, would), and why a prompt was left alone. */
export function ImportReportTable({ report }: { report: ImportReport }) {
  const { summary } = report;
  return (
    <div className="import-report" data-testid="import-report" data-dry-run={report.dryRun}>
      <p className={report.dryRun ? 'note note--muted' : 'note note--ok'} data-testid="import-summary">
        <strong>{report.dryRun ? 'Dry run — nothing is written yet.' : 'Imported.'}</strong>{' '}
        {summaryOrder
          .filter(([field]) => summary[field] > 0)
          .map(([field, noun]) => `${summary[field]} ${noun}${field === 'conflicts' && summary[field] > 1 ? 's' : ''}`)
          .join(' · ') || 'The bundle holds no prompts.'}
      </p>
      {report.results.length > 0 && (
        <Table columns={['Prompt', 'Result', 'Versions', 'Labels', 'Notes']} dense testId="import-results">
          {report.results.map((result) => (
            <tr key={result.key} data-testid="import-row" data-status={result.status}>
              <td>
                <code>{result.key}</code>
              </td>
              <td>
                <span className={statusBadges[result.status]} data-testid="import-status">
                  {result.status}
                </span>
              </td>
              <td className="nowrap">{result.versionsAdded > 0 ? `+${result.versionsAdded}` : <span className="muted">—</span>}</td>
              <td>{result.labelsMoved.length > 0 ? labelMoves(result) : <span className="muted">—</span>}</td>
              <td className="import-notes">
                {result.conflict && <div data-testid="import-conflict">{result.conflict}</div>}
                {result.metadataDiffers.length > 0 && (
                  <div className="muted" data-testid="import-metadata">
                    Differs here (kept as is): {result.metadataDiffers.join(', ')}
                  </div>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
