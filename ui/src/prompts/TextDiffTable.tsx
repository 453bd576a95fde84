import { useMemo } from 'react';
import { inlineRows, sideBySideRows, type DiffKind, type SideCell, type TextDiff } from './diffRows';

export type DiffMode = 'split' | 'inline';

const markers: Record<DiffKind, string> = { same: ' ', added: '+', removed: '-' };
const spoken: Record<DiffKind, string> = { same: '', added: 'Added: ', removed: 'Removed: ' };

/** One text's line diff: old and new in two numbered columns, or one column with − and + gutters. */
export function TextDiffTable({ diff, mode }: { diff: TextDiff; mode: DiffMode }) {
  return mode === 'split' ? <SideBySide diff={diff} /> : <Inline diff={diff} />;
}

function LineText({ kind, text }: { kind: DiffKind; text: string }) {
  return (
    <>
      {kind !== 'same' && <span className="visually-hidden">{spoken[kind]}</span>}
      {text || '\u00a0'}
    </>
  );
}

function Inline({ diff }: { diff: TextDiff }) {
  const rows = useMemo(() => inlineRows(diff), [diff]);
  return (
    <table className="diff-table">
      <tbody>
        {rows.map((row, index) => (
          <tr key={index} className={`diff-row diff-row--${row.kind}`} data-testid={`diff-${row.kind}`}>
            <td className="diff-number">{row.oldNumber ?? ''}</td>
            <td className="diff-number">{row.newNumber ?? ''}</td>
            <td className="diff-marker" aria-hidden="true">
              {markers[row.kind]}
            </td>
            <td className="diff-text">
              <LineText kind={row.kind} text={row.text} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A side of a side-by-side row; an empty filler where the other side has more lines. */
function Side({ cell }: { cell: SideCell | null }) {
  if (cell === null) {
    return (
      <>
        <td className="diff-number diff-cell--filler" />
        <td className="diff-text diff-cell--filler" />
      </>
    );
  }
  return (
    <>
      <td className={`diff-number diff-cell--${cell.kind}`}>{cell.number}</td>
      <td className={`diff-text diff-cell--${cell.kind}`} data-testid={`diff-${cell.kind}`}>
        <LineText kind={cell.kind} text={cell.text} />
      </td>
    </>
  );
}

function SideBySide({ diff }: { diff: TextDiff }) {
  const rows = useMemo(() => sideBySideRows(diff), [diff]);
  return (
    <table className="diff-table diff-table--split">
      <colgroup>
        <col className="diff-column-number" />
        <col />
        <col className="diff-column-number" />
        <col />
      </colgroup>
      <tbody>
        {rows.map((row, index) =>
          // A shared line is one test id, not two: counts of "same" lines match the inline view.
          row.old?.kind === 'same' && row.new?.kind === 'same' ? (
            <tr key={index} className="diff-row diff-row--same">
              <td className="diff-number">{row.old.number}</td>
              <td className="diff-text" data-testid="diff-same">
                {row.old.text || '\u00a0'}
              </td>
              <td className="diff-number">{row.new.number}</td>
              <td className="diff-text">{row.new.text || '\u00a0'}</td>
            </tr>
          ) : (
            <tr key={index} className="diff-row diff-row--changed">
              <Side cell={row.old} />
              <Side cell={row.new} />
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}
