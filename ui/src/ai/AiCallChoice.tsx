import { ModelPicker } from '../prompt-tests/pickers';
import { useAiOverview, useProviderModels, type AiProviderName } from './api';
import { defaultProviderLabel, ProviderPicker } from './ProviderPicker';
import './ai.css';

/** The provider and model of one AI call; null and '' are the organization's defaults (Settings › AI). */
export interface AiCallChoiceValue {
  provider: AiProviderName | null;
  model: string;
}

export const organizationDefaults: AiCallChoiceValue = { provider: null, model: '' };

/** The request fields of a choice: only what differs from the organization's defaults. */
export function choiceFields({ provider, model }: AiCallChoiceValue): { provider?: AiProviderName; model?: string } {
  return { ...(provider && { provider }), ...(model && { model }) };
}

/** Provider and model pickers for one AI feature, defaulting to the organization's choice. */
export function AiCallChoice({ organizationId, value, onChange, testId }: { organizationId: string; value: AiCallChoiceValue; onChange: (value: AiCallChoiceValue) => void; testId: string }) {
  const overview = useAiOverview(organizationId);
  const enabled = overview.data?.enabled === true;
  const models = useProviderModels(organizationId, value.provider, enabled);
  if (!enabled) return null;
  return (
    <span className="ai-call-choice">
      <ProviderPicker
        className="select select--compact"
        available={overview.data!.available}
        value={value.provider}
        onChange={(provider) => onChange({ provider, model: '' })}
        defaultLabel={defaultProviderLabel('Organization default', overview.data!.provider)}
        testId={`${testId}-provider`}
      />
      <ModelPicker models={models.data} value={value.model} onChange={(model) => onChange({ ...value, model })} testId={`${testId}-model`} />
    </span>
  );
}
