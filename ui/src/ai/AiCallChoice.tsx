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

/**
 * Provider and model pickers for one AI feature, defaulting to the organization's choice — or, with
 * `followsLabel`, to another choice on the page (a judge "Same as the run"): its model is then picked
 * once a provider is, since the followed choice's models may be another provider's.
 */
export function AiCallChoice({ organizationId, value, onChange, testId, followsLabel }: { organizationId: string; value: AiCallChoiceValue; onChange: (value: AiCallChoiceValue) => void; testId: string; followsLabel?: string }) {
  const overview = useAiOverview(organizationId);
  const enabled = overview.data?.enabled === true;
  const modelPicked = followsLabel === undefined || value.provider !== null;
  const models = useProviderModels(organizationId, value.provider, enabled && modelPicked);
  if (!enabled) return null;
  return (
    <span className="ai-call-choice">
      <ProviderPicker
        className="select select--compact"
        available={overview.data!.available}
        value={value.provider}
        onChange={(provider) => onChange({ provider, model: '' })}
        defaultLabel={followsLabel ?? defaultProviderLabel('Organization default', overview.data!.provider)}
        testId={`${testId}-provider`}
      />
      {modelPicked && <ModelPicker models={models.data} value={value.model} onChange={(model) => onChange({ ...value, model })} testId={`${testId}-model`} />}
    </span>
  );
}
