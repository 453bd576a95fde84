import type { SelectHTMLAttributes } from 'react';
import { providerNames, type AiProviderName, type AvailableProvider } from './api';

type ProviderPickerProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> & {
  available: AvailableProvider[];
  /** Null: the default the first option names. */
  value: AiProviderName | null;
  onChange: (provider: AiProviderName | null) => void;
  /** The first option, e.g. "Instance default (OpenAI)". */
  defaultLabel: string;
  testId: string;
};

/** The providers available to the organization (its keys and the instance's), after a default. */
export function ProviderPicker({ available, value, onChange, defaultLabel, testId, className = 'select', ...rest }: ProviderPickerProps) {
  return (
    <select {...rest} aria-label="Provider" className={className} value={value ?? ''} onChange={(event) => onChange((event.target.value || null) as AiProviderName | null)} data-testid={testId}>
      <option value="">{defaultLabel}</option>
      {available.map((each) => (
        <option key={each.provider} value={each.provider}>
          {providerNames[each.provider]} ({each.source === 'organization' ? 'organization key' : 'instance'})
        </option>
      ))}
      {/* A chosen provider that is no longer available stays visible rather than silently shown as the default. */}
      {value && !available.some((each) => each.provider === value) && <option value={value}>{providerNames[value]} (no longer available)</option>}
    </select>
  );
}

/** "Instance default (OpenAI)": the first option, naming what the default is. */
export function defaultProviderLabel(prefix: string, provider: AiProviderName | null): string {
  return provider ? `${prefix} (${providerNames[provider]})` : prefix;
}
