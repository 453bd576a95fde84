import type { PromptVersion } from '../prompts/api';
import type { ModelChoice } from './api';

export function VersionPicker({ versions, value, onChange, label, testId }: { versions: PromptVersion[]; value: number; onChange: (version: number) => void; label: string; testId: string }) {
  return (
    <select aria-label={label} className="select select--compact" value={value} onChange={(event) => onChange(Number(event.target.value))} data-testid={testId}>
      {versions.map((each) => (
        <option key={each.id} value={each.version}>
          v{each.version}
        </option>
      ))}
    </select>
  );
}

/** The organization's models; empty means the provider's default. */
export function ModelPicker({ models, value, onChange, testId }: { models: ModelChoice | undefined; value: string; onChange: (model: string) => void; testId: string }) {
  return (
    <select aria-label="Model" className="select select--compact" value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId}>
      <option value="">Default model{models?.defaultModel ? ` (${models.defaultModel})` : ''}</option>
      {models?.models.map((model) => (
        <option key={model.id} value={model.id}>
          {model.name ?? model.id}
        </option>
      ))}
    </select>
  );
}
