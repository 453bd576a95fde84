export interface ApiKey {
  id: string;
  projectId: string;
  name: string;
  keyPrefix: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  status: 'active' | 'expiring' | 'expired' | 'revoked';
}

/** A created or rotated key: the full secret is in this response only. */
export interface ApiKeyCreated {
  apiKey: ApiKey;
  secret: string;
}

export interface ProviderKey {
  id: string;
  service: 'openrouter' | 'openai' | 'anthropic' | 'custom';
  name: string;
  keyHint: string;
  baseUrl: string | null;
  createdAt: string;
}

export const apiKeysKey = (organizationId: string, projectId: string) => ['orgs', organizationId, 'projects', projectId, 'api-keys'] as const;
export const apiKeysPath = (organizationId: string, projectId: string) => `/api/dashboard/orgs/${organizationId}/projects/${projectId}/api-keys`;

export const providerKeysKey = (organizationId: string) => ['orgs', organizationId, 'provider-keys'] as const;
export const providerKeysPath = (organizationId: string) => `/api/dashboard/orgs/${organizationId}/provider-keys`;
