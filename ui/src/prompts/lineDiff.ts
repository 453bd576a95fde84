export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
  /** Line number in the old text (removed, same) and in the new text (added, same). */
  oldNumber: number | null;
  newNumber: number | null;
}

/**
 * A line diff from the longest common subsequence of the two texts' lines. Prompts are short (a few
 * hundred lines), so the O(n·m) table is cheap and needs no library.
 */
export function lineDiff(oldText: string, newText: string): DiffLine[] {
  // An empty text has no lines (not one empty line), so "nothing deployed → v2" is all additions.
  const before = oldText === '' ? [] : oldText.split('\n');
  const after = newText === '' ? [] : newText.split('\n');
  const rows = before.length;
  const columns = after.length;
  // common[i][j]: length of the LCS of before[i…] and after[j…].
  const common = Array.from({ length: rows + 1 }, () => new Uint32Array(columns + 1));
  for (let i = rows - 1; i >= 0; i--) {
    for (let j = columns - 1; j >= 0; j--) {
      common[i]![j] = before[i] === after[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < rows || j < columns) {
    if (i < rows && j < columns && before[i] === after[j]) {
      lines.push({ kind: 'same', text: before[i]!, oldNumber: i + 1, newNumber: j + 1 });
      i++;
      j++;
    } else if (i < rows && (j === columns || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      // Removals before additions, as in a unified diff.
      lines.push({ kind: 'removed', text: before[i]!, oldNumber: i + 1, newNumber: null });
      i++;
    } else {
      lines.push({ kind: 'added', text: after[j]!, oldNumber: null, newNumber: j + 1 });
      j++;
    }
  }
  return lines;
}

export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  return {
    added: lines.filter((line) => line.kind === 'added').length,
    removed: lines.filter((line) => line.kind === 'removed').length,
  };
}
