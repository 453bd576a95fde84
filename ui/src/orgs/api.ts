import type { Role } from '../auth/authState';

export interface Member {
  userId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: string;
  acceptedAt: string | null;
  createdAt: string;
}

export const orgPath = (organizationId: string) => `/api/dashboard/orgs/${organizationId}`;
export const membersKey = (organizationId: string) => ['orgs', organizationId, 'members'] as const;
export const invitationsKey = (organizationId: string) => ['orgs', organizationId, 'invitations'] as const;
