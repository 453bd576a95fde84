import { useId, useState } from 'react';
import { Panel } from '../app/Panel';
import { QueryFallback } from '../app/Table';
import { useVersionDiff, type PromptVersion } from './api';
import { VersionDiffView } from './VersionDiffView';

interface ComparePanelProps {
  organizationId: string;
  projectId: string;
  promptKey: string;
  versions: PromptVersion[];
}

/** The engine's diff of any two versions; starts with the newest against the one before it. */
export function ComparePanel({ organizationId, projectId, promptKey, versions }: ComparePanelProps) {
  const fromId = useId();
  const toId = useId();
  // Null until the user picks, so the default follows new saves.
  const [fromNumber, setFromNumber] = useState<number | null>(null);
  const [toNumber, setToNumber] = useState<number | null>(null);
  const from = versions.find((version) => version.version === fromNumber) ?? versions[1];
  const to = versions.find((version) => version.version === toNumber) ?? versions[0];
  const diff = useVersionDiff(organizationId, projectId, promptKey, from?.version ?? 0, to?.version ?? 0, from !== undefined && to !== undefined);
  if (!from || !to) return null;

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
      {diff.isSuccess ? (
        <VersionDiffView diff={diff.data} fromLabel={`v${diff.data.from}`} toLabel={`v${diff.data.to}`} testId="compare-diff" />
      ) : (
        <QueryFallback query={diff} what="the diff" />
      )}
    </Panel>
  );
}
