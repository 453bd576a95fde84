import { useMemo } from 'react';
import { diffStats, lineDiff } from './lineDiff';

interface DiffViewProps {
  oldText: string;
  newText: string;
  oldLabel: string;
  newLabel: string;
  testId?: string;
}

const markers = { same: ' ', added: '+', removed: '−' } as const;

/** An inline line diff: removed lines in red, added in green, with both line numbers. */
export function DiffView({ oldText, newText, oldLabel, newLabel, testId = 'diff' }: DiffViewProps) {
  const lines = useMemo(() => lineDiff(oldText, newText), [oldText, newText]);
  const stats = diffStats(lines);
  return (
    <div className="diff" data-testid={testId}>
      <div className="diff-header">
        <span>
          <span className="diff-from">{oldLabel}</span> → <span className="diff-to">{newLabel}</span>
        </span>
        <span className="diff-stats">
          {stats.added === 0 && stats.removed === 0 ? (
            <span className="muted">No changes</span>
          ) : (
            <>
              <span className="diff-stat--added">+{stats.added}</span> <span className="diff-stat--removed">−{stats.removed}</span>
            </>
          )}
        </span>
      </div>
      <table className="diff-table">
        <tbody>
          {lines.map((line, index) => (
            <tr key={index} className={`diff-row diff-row--${line.kind}`} data-testid={`diff-${line.kind}`}>
              <td className="diff-number">{line.oldNumber ?? ''}</td>
              <td className="diff-number">{line.newNumber ?? ''}</td>
              <td className="diff-marker" aria-hidden="true">
                {markers[line.kind]}
              </td>
              <td className="diff-text">
                {line.kind !== 'same' && <span className="visually-hidden">{line.kind === 'added' ? 'Added: ' : 'Removed: '}</span>}
                {line.text || '\u00a0'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
