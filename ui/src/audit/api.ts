import { useInfiniteQuery } from '@tanstack/react-query';
import { apiFetch } from '../app/api';

export interface AuditEntry {
  id: string;
  projectId: string | null;
  actorType: 'user' | 'api_key' | 'system';
  actorUserId: string | null;
  actorApiKeyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  summary: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

/** The filters as the form holds them; `since`/`until` are `datetime-local` values (local time). */
export interface AuditFilters {
  action: string;
  actorUserId: string;
  targetType: string;
  since: string;
  until: string;
}

export const noFilters: AuditFilters = { action: '', actorUserId: '', targetType: '', since: '', until: '' };

/** The query string both the list and the CSV export use. */
export function auditQuery(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (filters.action.trim()) params.set('action', filters.action.trim());
  if (filters.actorUserId) params.set('actorUserId', filters.actorUserId);
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
