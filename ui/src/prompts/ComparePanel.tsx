import { useId, useState } from 'react';
import { Panel } from '../app/Panel';
import { versionText, type PromptVersion } from './api';
import { DiffView } from './DiffView';

/** A line diff of any two versions; starts with the newest against the one before it. */
export function ComparePanel({ versions }: { versions: PromptVersion[] }) {
  const fromId = useId();
  const toId = useId();
  // Null until the user picks, so the default follows new saves.
  const [fromNumber, setFromNumber] = useState<number | null>(null);
  const [toNumber, setToNumber] = useState<number | null>(null);
  if (versions.length < 2) return null;
  const from = versions.find((version) => version.version === fromNumber) ?? versions[1]!;
  const to = versions.find((version) => version.version === toNumber) ?? versions[0]!;

  const picker = (id: string, label: string, value: number, onChange: (value: number | null) => void, testId: string) => (
    <span className="compare-picker">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="select select--compact" value={value} onChange={(event) => onChange(Number(event.target.value))} data-testid={testId}>
        {versions.map((version) => (
          <option key={version.id} value={version.version}>
            v{version.version}
            {version.commitMessage ? ` — ${version.commitMessage.slice(0, 40)}` : ''}
          </option>
        ))}
      </select>
    </span>
  );

  return (
    <Panel title="Compare versions" description="Lines removed from the first version are red, lines added in the second green." testId="compare">
      <div className="compare-pickers">
        {picker(fromId, 'From', from.version, setFromNumber, 'compare-from')}
        <span aria-hidden="true">→</span>
        {picker(toId, 'To', to.version, setToNumber, 'compare-to')}
      </div>
      <DiffView oldText={versionText(from)} newText={versionText(to)} oldLabel={`v${from.version}`} newLabel={`v${to.version}`} testId="compare-diff" />
    </Panel>
  );
}
