import type { AiProviderName } from '../config.js';
import type { WriteContext } from './provider.js';

/** The AI-settings part of the DataProvider contract (see provider.ts): an organization's choice of AI provider and default model. */
export interface OrganizationAiSetting {
  /** Null: follow the instance (AI_PROVIDER, else the organization's first provider key). */
  provider: AiProviderName | null;
  /** Null: the provider's default model. */
  model: string | null;
}

export interface AiSettingsStore {
  /** The organization's setting; both null when it never chose. */
  get(organizationId: string): Promise<OrganizationAiSetting>;
  /** Replaces the organization's setting, with its audit entry. */
  put(ctx: WriteContext, organizationId: string, setting: OrganizationAiSetting): Promise<OrganizationAiSetting>;
}
