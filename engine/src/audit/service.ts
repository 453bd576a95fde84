import type { Services } from '../http/services.js';
import type { AuditEntry, AuditQuery } from '../data/provider.js';
import type { AuditActorApiKey, AuditApiKey } from './views.js';

export type AuditEntryView = AuditEntry & { actorApiKey: AuditActorApiKey | null };

/** Every API key of the organization's projects, revoked ones too. */
export async function organizationApiKeys(services: Services, organizationId: string): Promise<AuditApiKey[]> {
  const { provider } = services;
  const projects = await provider.projects.list(organizationId);
  const keysByProject = await Promise.all(
    projects.map(async (project) =>
      (await provider.apiKeys.list(organizationId, project.id)).map(({ id, name, keyPrefix, revokedAt }) => ({ id, name, keyPrefix, revokedAt, projectId: project.id, projectName: project.name })),
    ),
  );
  return keysByProject.flat();
}

/** The entries, each naming the API key that acted (null for other actors, or a key since deleted with its project). */
export async function listAuditEntries(services: Services, organizationId: string, query: AuditQuery): Promise<AuditEntryView[]> {
  const entries = await services.provider.audit.list(organizationId, query);
  const keys = entries.some((entry) => entry.actorApiKeyId) ? await organizationApiKeys(services, organizationId) : [];
  const keysById = new Map(keys.map(({ id, revokedAt: _revokedAt, ...key }) => [id, key]));
  return entries.map((entry) => ({ ...entry, actorApiKey: (entry.actorApiKeyId && keysById.get(entry.actorApiKeyId)) || null }));
}
