/** An API key as the audit log names it (keys act as actors; a revoked key's past still shows). Plain types: the UI reads them too. */
export interface AuditApiKey {
  id: string;
  name: string;
  keyPrefix: string;
  projectId: string;
  projectName: string;
  revokedAt: Date | null;
}

/** How an entry names the key that acted. */
export type AuditActorApiKey = Omit<AuditApiKey, 'id' | 'revokedAt'>;
