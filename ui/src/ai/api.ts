import { useQuery } from '@tanstack/react-query';
import type { AvailableProvider, OrganizationAiView, ProviderSource } from '../../../engine/src/ai/resolve';
import type { AiProviderName } from '../../../engine/src/config';
import type { OrganizationAiSetting } from '../../../engine/src/data/ai-settings';
import { apiFetch } from '../app/api';
import { aiStatusKey, type AiStatus } from '../analysis/api';
import type { ModelChoice } from '../prompt-tests/api';

export type { AiProviderName, AvailableProvider, OrganizationAiSetting };

/** The organization's AI status with its choice (engine/src/ai/schema.ts aiStatusView). */
export interface AiOverview extends AiStatus, OrganizationAiView {
  provider: AiProviderName | null;
  source: ProviderSource | null;
}

/** `POST …/ai/test`: ok with the reply, or the typed error the provider caused (engine/src/ai/schema.ts checkView). */
export type ProviderCheck = { provider: AiProviderName; source: ProviderSource; latencyMs: number } & (
  | { ok: true; model: string; reply: string; usage: { inputTokens: number; outputTokens: number } }
  | { ok: false; model: string | null; error: { code: string; message: string } }
);

export const providerNames: Record<AiProviderName, string> = {
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  ollama: 'Ollama',
  custom: 'Custom (OpenAI-compatible)',
};

export const sourceNames: Record<ProviderSource, string> = { instance: "the instance's configuration", organization: "the organization's provider key" };

export const aiPath = (organizationId: string) => `/api/dashboard/orgs/${organizationId}/ai`;

/** The same query as the AI panels' `useAiStatus`, read with the fields the AI settings need. */
export function useAiOverview(organizationId: string) {
  return useQuery({
    queryKey: aiStatusKey(organizationId),
    queryFn: ({ signal }) => apiFetch<AiOverview>(aiPath(organizationId), { signal }),
    enabled: organizationId !== '',
  });
}

/** The models of one provider available to the organization (its default one when `provider` is null). */
export function useProviderModels(organizationId: string, provider: AiProviderName | null, enabled: boolean) {
  return useQuery({
    queryKey: [...aiStatusKey(organizationId), 'models', provider ?? 'default'],
    queryFn: ({ signal }) => apiFetch<ModelChoice>(`${aiPath(organizationId)}/models${provider ? `?provider=${provider}` : ''}`, { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}

export function saveAiSetting(organizationId: string, setting: OrganizationAiSetting): Promise<AiOverview> {
  return apiFetch<AiOverview>(`${aiPath(organizationId)}/settings`, { method: 'PUT', body: JSON.stringify(setting) });
}
