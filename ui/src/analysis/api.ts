import { useQuery } from '@tanstack/react-query';
import type { PromptAnalysis as StoredAnalysis } from '../../../engine/src/data/prompt-analyses';
import { apiFetch } from '../app/api';
import { promptKeyOf, promptPath } from '../prompts/api';

/** A stored analysis as the engine sends it (engine/src/analysis/schema.ts analysisView). */
export type PromptAnalysis = Omit<StoredAnalysis, 'createdAt'> & { createdAt: string };

/** The organization's AI status (GET /api/dashboard/orgs/:orgId/ai). */
export interface AiStatus {
  enabled: boolean;
  provider: string | null;
  defaultModel: string | null;
  hint?: string;
}

export const aiStatusKey = (organizationId: string) => ['orgs', organizationId, 'ai'] as const;

export function useAiStatus(organizationId: string) {
  return useQuery({
    queryKey: aiStatusKey(organizationId),
    queryFn: ({ signal }) => apiFetch<AiStatus>(`/api/dashboard/orgs/${organizationId}/ai`, { signal }),
    enabled: organizationId !== '',
  });
}

export const analysesPath = (organizationId: string, projectId: string, key: string, version: number) =>
  `${promptPath(organizationId, projectId, key)}/versions/${version}/analyses`;

export const analysesKey = (organizationId: string, projectId: string, key: string, version: number) =>
  [...promptKeyOf(organizationId, projectId, key), 'analyses', version] as const;

export function useAnalyses(organizationId: string, projectId: string, key: string, version: number | null) {
  return useQuery({
    queryKey: analysesKey(organizationId, projectId, key, version ?? 0),
    queryFn: ({ signal }) => apiFetch<{ analyses: PromptAnalysis[] }>(analysesPath(organizationId, projectId, key, version!), { signal }),
    enabled: version !== null,
  });
}
