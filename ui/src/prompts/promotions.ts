import { useQuery } from '@tanstack/react-query';
import type { PromotionRequest as StoredPromotionRequest, PromotionStatus } from '../../../engine/src/data/prompts';
import { apiFetch, apiSend } from '../app/api';
import { promptsKey, type PromptSummary } from './api';
import type { VersionDiff } from './diffRows';

export type { PromotionStatus };
export const promotionStatuses: readonly PromotionStatus[] = ['pending', 'approved', 'rejected', 'cancelled', 'superseded'];

/**
 * A move of a protected label that waits for an admin, made when a member (or an API key) deploys to
 * a label an admin protected; as the API sends it (engine/src/prompts/promotion-views.ts): dates as
 * ISO strings, without the internal ids.
 */
export type PromotionRequest = Omit<StoredPromotionRequest, 'projectId' | 'promptId' | 'decidedAt' | 'createdAt'> & {
  decidedAt: string | null;
  createdAt: string;
};

/** A label move or a save with labels: the moves of protected labels came back as requests (202). */
export type WithPromotionRequests<T = PromptSummary> = T & { promotionRequests: PromotionRequest[] };

export type PromotionDecision = 'approve' | 'reject' | 'cancel';

export interface PromotionFilter {
  status?: PromotionStatus;
  key?: string;
}

const projectPath = (organizationId: string, projectId: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}`;
export const protectedLabelsPath = (organizationId: string, projectId: string) => `${projectPath(organizationId, projectId)}/protected-labels`;
const promotionRequestsPath = (organizationId: string, projectId: string) => `${projectPath(organizationId, projectId)}/promotion-requests`;

export const protectedLabelsKey = (organizationId: string, projectId: string) => ['orgs', organizationId, 'projects', projectId, 'protected-labels'] as const;
// Under the prompts' key: a deploy (which may make a request) or a decision (which moves a label)
// refreshes the prompts and the requests together.
export const promotionRequestsKey = (organizationId: string, projectId: string) => [...promptsKey(organizationId, projectId), { promotionRequests: true }] as const;

export function useProtectedLabels(organizationId: string, projectId: string) {
  return useQuery({
    queryKey: protectedLabelsKey(organizationId, projectId),
    queryFn: ({ signal }) => apiFetch<{ labels: Array<{ label: string; createdAt: string }> }>(protectedLabelsPath(organizationId, projectId), { signal }),
    select: (data) => data.labels,
  });
}

const REQUEST_LIMIT = 100;

export function usePromotionRequests(organizationId: string, projectId: string, filter: PromotionFilter) {
  const query = new URLSearchParams({ limit: String(REQUEST_LIMIT) });
  if (filter.status) query.set('status', filter.status);
  if (filter.key) query.set('key', filter.key);
  return useQuery({
    queryKey: [...promotionRequestsKey(organizationId, projectId), filter],
    queryFn: ({ signal }) => apiFetch<{ requests: PromotionRequest[] }>(`${promotionRequestsPath(organizationId, projectId)}?${query}`, { signal }),
    select: (data) => data.requests,
  });
}

/** A request with the diff approving it would deploy (from the label's current version). */
export function usePromotionRequest(organizationId: string, projectId: string, requestId: string) {
  return useQuery({
    queryKey: [...promotionRequestsKey(organizationId, projectId), requestId],
    queryFn: ({ signal }) => apiFetch<{ request: PromotionRequest; diff: VersionDiff | null }>(`${promotionRequestsPath(organizationId, projectId)}/${requestId}`, { signal }),
  });
}

export function decidePromotion(organizationId: string, projectId: string, requestId: string, decision: PromotionDecision, note: string): Promise<PromotionRequest> {
  return apiSend('POST', `${promotionRequestsPath(organizationId, projectId)}/${requestId}/${decision}`, { note: note.trim() || null });
}

/**
 * What to tell someone whose move became a request, e.g. "production is protected: your request
 * awaits an admin's approval"; null when every move was made.
 */
export function awaitingApproval(requests: readonly PromotionRequest[]): string | null {
  const labels = [...new Set(requests.map((request) => request.label))];
  if (labels.length === 0) return null;
  if (labels.length === 1) return `${labels[0]} is protected: your request awaits an admin's approval`;
  return `${new Intl.ListFormat('en', { type: 'conjunction' }).format(labels)} are protected: your requests await an admin's approval`;
}

/** "v2 → v3", or "unset → v3" for a label not yet on any version. */
export function moveOf(request: PromotionRequest): string {
  const from = request.status === 'pending' ? (request.currentVersion ?? request.fromVersion) : request.fromVersion;
  return `${from === null ? 'unset' : `v${from}`} → v${request.toVersion}`;
}

/** Who asked: a person's name, or `API key "deploy-bot"` (the engine names both). */
export function requesterOf(request: PromotionRequest): string {
  const { name, userId, apiKeyId } = request.requestedBy;
  return name ?? (apiKeyId ? 'An API key' : userId ? 'A member' : 'A former member');
}
