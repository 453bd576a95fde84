import type { Services } from '../http/services.js';
import type { AuditEntry, AuditQuery } from '../data/provider.js';
import type { AuditActorApiKey, AuditApiKey } from './views.js';

export type AuditEntryView = AuditEntry & { actorApiKey: AuditActorApiKey | null };

/** Every API key of the organization's projects, revoked ones too. */
export async function organizationApiKeys(services: Services, organizationId: string): Promise<AuditApiKey[]> {
  const keys = await services.provider.apiKeys.listOfOrganization(organizationId);
  return keys.map(({ id, name, keyPrefix, revokedAt, projectId, projectName }) => ({ id, name, keyPrefix, revokedAt, projectId, projectName }));
}

/** The entries, each naming the API key that acted (null for other actors, or a key since deleted with its project). */
export async function listAuditEntries(services: Services, organizationId: string, query: AuditQuery): Promise<AuditEntryView[]> {
  const entries = await services.provider.audit.list(organizationId, query);
  const keys = entries.some((entry) => entry.actorApiKeyId) ? await organizationApiKeys(services, organizationId) : [];
  const keysById = new Map(keys.map(({ id, revokedAt: _revokedAt, ...key }) => [id, key]));
  return entries.map((entry) => ({ ...entry, actorApiKey: (entry.actorApiKeyId && keysById.get(entry.actorApiKeyId)) || null }));
}
