import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiFetch } from '../app/api';
import type { AuditActorApiKey, AuditApiKey as StoredAuditApiKey } from '../../../engine/src/audit/views';

export interface AuditEntry {
  id: string;
  projectId: string | null;
  actorType: 'user' | 'api_key' | 'system';
  actorUserId: string | null;
  actorApiKeyId: string | null;
  /** The key that acted, while it exists. */
  actorApiKey: AuditActorApiKey | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  summary: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

/** An API key of the organization, as the actor filter offers it (engine/src/audit/views.ts, dates as sent). */
export type AuditApiKey = Omit<StoredAuditApiKey, 'revokedAt'> & { revokedAt: string | null };

/**
 * The filters as the form holds them. `actor` is `user:<id>` or `api_key:<id>` (one select offers
 * both); `action` is an action or `<family>.*`; `since`/`until` are `datetime-local` values (local time).
 */
export interface AuditFilters {
  action: string;
  actor: string;
  targetType: string;
  since: string;
  until: string;
}

export const noFilters: AuditFilters = { action: '', actor: '', targetType: '', since: '', until: '' };

export const userActor = (userId: string) => `user:${userId}`;
export const apiKeyActor = (apiKeyId: string) => `api_key:${apiKeyId}`;

/** The query string both the list and the CSV export use. */
export function auditQuery(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (filters.action.trim()) params.set('action', filters.action.trim());
  const [actorType, actorId] = filters.actor.split(':');
  if (actorType === 'user' && actorId) params.set('actorUserId', actorId);
  if (actorType === 'api_key' && actorId) params.set('actorApiKeyId', actorId);
  if (filters.targetType) params.set('targetType', filters.targetType);
  if (filters.since) params.set('since', new Date(filters.since).toISOString());
  if (filters.until) params.set('until', new Date(filters.until).toISOString());
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params.toString();
}

export const auditPath = (organizationId: string) => `/api/dashboard/orgs/${organizationId}/audit`;

const PAGE_SIZE = '50';

export function useAuditLog(organizationId: string, filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['orgs', organizationId, 'audit', filters],
    queryFn: ({ pageParam, signal }) =>
      apiFetch<{ entries: AuditEntry[]; nextCursor: string | null }>(
        `${auditPath(organizationId)}?${auditQuery(filters, { limit: PAGE_SIZE, ...(pageParam !== null && { cursor: pageParam }) })}`,
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}

/** The organization's API keys, revoked ones too (admins: the audit log's permission). */
export function useAuditApiKeys(organizationId: string) {
  return useQuery({
    queryKey: ['orgs', organizationId, 'audit', 'api-keys'],
    queryFn: ({ signal }) => apiFetch<{ apiKeys: AuditApiKey[] }>(`${auditPath(organizationId)}/api-keys`, { signal }),
    select: (data) => data.apiKeys,
  });
}
