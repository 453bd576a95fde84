import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../app/api';
import { membersKey, orgPath, type Member } from './api';

/** The organization's members (any role may read them). */
export function useMembers(organizationId: string) {
  return useQuery({
    queryKey: membersKey(organizationId),
    queryFn: ({ signal }) => apiFetch<{ members: Member[] }>(`${orgPath(organizationId)}/members`, { signal }),
    select: (data) => data.members,
  });
}
