import type { MessageDiff, TextDiff, VersionDiff } from '../../../engine/src/prompts/diff';
import type { PromptKind, PromptVersion } from './api';

export type { MessageDiff, TextDiff, VersionDiff };

export type DiffKind = 'same' | 'added' | 'removed';

/** One line of an inline diff, numbered in the old text (removed, same) and the new one (added, same). */
export interface InlineRow {
  kind: DiffKind;
  text: string;
  oldNumber: number | null;
  newNumber: number | null;
}

export interface SideCell {
  kind: DiffKind;
  text: string;
  number: number;
}

/** One row of a side-by-side diff; a side is null where the other side has more lines. */
export interface SideRow {
  old: SideCell | null;
  new: SideCell | null;
}

/** The lines of a diff part: each ends with "\n" except, perhaps, the text's last. */
export function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const kindOf = (part: TextDiff['parts'][number]): DiffKind => (part.added ? 'added' : part.removed ? 'removed' : 'same');

/** The engine's parts in order, line by line: removed lines, then the added lines that replace them. */
export function inlineRows(diff: TextDiff): InlineRow[] {
  const rows: InlineRow[] = [];
  let oldNumber = 0;
  let newNumber = 0;
  for (const part of diff.parts) {
    const kind = kindOf(part);
    for (const text of linesOf(part.value)) {
      rows.push({
        kind,
        text,
        oldNumber: kind === 'added' ? null : ++oldNumber,
        newNumber: kind === 'removed' ? null : ++newNumber,
      });
    }
  }
  return rows;
}

/**
 * Old text left, new text right: shared lines side by side, and a removed run followed by an added
 * run paired row by row, so a changed line sits next to what replaced it.
 */
export function sideBySideRows(diff: TextDiff): SideRow[] {
  const rows: SideRow[] = [];
  let oldNumber = 0;
  let newNumber = 0;
  const { parts } = diff;
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (!part.added && !part.removed) {
      for (const text of linesOf(part.value)) rows.push({ old: { kind: 'same', text, number: ++oldNumber }, new: { kind: 'same', text, number: ++newNumber } });
      continue;
    }
    const next = parts[index + 1];
    const removed = part.removed ? linesOf(part.value) : [];
    const added = part.added ? linesOf(part.value) : next?.added ? linesOf(next.value) : [];
    if (part.removed && next?.added) index++;
    for (let row = 0; row < Math.max(removed.length, added.length); row++) {
      rows.push({
        old: row < removed.length ? { kind: 'removed', text: removed[row]!, number: ++oldNumber } : null,
        new: row < added.length ? { kind: 'added', text: added[row]!, number: ++newNumber } : null,
      });
    }
  }
  return rows;
}

export const hasChanges = (diff: TextDiff) => diff.additions + diff.deletions > 0;

/** Lines added and removed across the template or messages, and the model settings. */
export function totalsOf(diff: VersionDiff): { additions: number; deletions: number } {
  const texts = [diff.config, ...(diff.template ? [diff.template] : []), ...(diff.messages ?? []).map((message) => message.content)];
  return {
    additions: texts.reduce((sum, text) => sum + text.additions, 0),
    deletions: texts.reduce((sum, text) => sum + text.deletions, 0),
  };
}

function allAdded(text: string): TextDiff {
  if (text === '') return { parts: [], additions: 0, deletions: 0 };
  return { parts: [{ value: text, added: true, removed: false }], additions: linesOf(text).length, deletions: 0 };
}

/** A version shown as a diff from nothing (a first deploy): every line of it is new. */
export function diffFromNothing(kind: PromptKind, version: PromptVersion): VersionDiff {
  const config = Object.keys(version.config).length === 0 ? '' : `${JSON.stringify(version.config, null, 2)}\n`;
  return {
    from: 0,
    to: version.version,
    type: kind,
    identical: false,
    template: kind === 'text' ? allAdded(version.template ?? '') : null,
    messages:
      kind === 'chat'
        ? (version.messages ?? []).map((message, index) => ({ status: 'added', fromIndex: null, toIndex: index, fromRole: null, toRole: message.role, content: allAdded(message.content) }))
        : null,
    config: allAdded(config),
  };
}
