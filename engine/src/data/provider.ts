/**
 * The DataProvider contract: everything the engine's services may ask of storage.
 *
 * Shaped so that a Convex implementation can follow: grouped by feature, and every write method is
 * one atomic use-case command that also records its audit entry and its outgoing event (a Convex
 * mutation does that in one call; a transaction spanning several provider calls cannot exist there).
 * No SQL or Drizzle types cross this boundary. Later issues add methods feature by feature.
 */
import type { ChangeFeed } from './ports/change-feed.js';
import type { JobQueue } from './ports/job-queue.js';
import type { RateLimitStore } from './ports/rate-limit.js';

export type ProviderKind = 'postgresql' | 'embedded' | 'convex';
export type MemberRole = 'owner' | 'admin' | 'member' | 'viewer';

/** Who is acting, and from where: recorded in the audit log with every change. */
export interface WriteContext {
  actor: { type: 'user'; userId: string } | { type: 'api_key'; apiKeyId: string } | { type: 'system' };
  ip?: string | null;
  userAgent?: string | null;
}

export interface User {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  imageUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Project {
  id: string;
  organizationId: string;
  name: string;
  slug: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AuditEntry {
  id: string;
  organizationId: string | null;
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
  createdAt: Date;
}

export interface OutboxEvent {
  id: string;
  seq: number;
  organizationId: string | null;
  projectId: string | null;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface HealthStatus {
  database: 'up' | 'down';
  migrations: 'applied' | 'pending' | 'unknown';
  detail?: string;
}

export interface MigrationReport {
  applied: number;
  total: number;
}

export interface UserStore {
  create(ctx: WriteContext, input: { email: string; firstName?: string | null; lastName?: string | null }): Promise<User>;
  get(userId: string): Promise<User | null>;
  findByEmail(email: string): Promise<User | null>;
}

export interface OrganizationStore {
  /** Creates the organization with `ownerUserId` as its owner. The slug is derived from the name unless given. */
  create(ctx: WriteContext, input: { name: string; slug?: string; ownerUserId: string }): Promise<Organization>;
  get(organizationId: string): Promise<Organization | null>;
  rename(ctx: WriteContext, organizationId: string, name: string): Promise<Organization>;
  listForUser(userId: string): Promise<Array<Organization & { role: MemberRole }>>;
  getRole(organizationId: string, userId: string): Promise<MemberRole | null>;
}

export interface ProjectStore {
  create(ctx: WriteContext, organizationId: string, input: { name: string; slug?: string; description?: string | null }): Promise<Project>;
  /** Null when the project does not exist *or belongs to another organization*. */
  get(organizationId: string, projectId: string): Promise<Project | null>;
  list(organizationId: string): Promise<Project[]>;
  update(ctx: WriteContext, organizationId: string, projectId: string, input: { name?: string; description?: string | null }): Promise<Project>;
  delete(ctx: WriteContext, organizationId: string, projectId: string): Promise<void>;
}

export interface AuditQuery {
  action?: string;
  actorUserId?: string;
  targetType?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

export interface AuditStore {
  list(organizationId: string, query?: AuditQuery): Promise<AuditEntry[]>;
}

export interface OutboxStore {
  /** Oldest unprocessed events first (for inspection; delivery goes through `drain`). */
  listPending(limit: number): Promise<OutboxEvent[]>;
  /**
   * Claims up to `limit` unprocessed events, oldest first, that no other replica is draining; hands
   * them to `handler` and marks them processed only if it succeeds (else they stay pending).
   * Returns how many were processed.
   */
  drain(limit: number, handler: (events: OutboxEvent[]) => Promise<void>): Promise<number>;
}

export interface InstanceStore {
  getSetting<T = unknown>(key: string): Promise<T | null>;
  /** Stores `value` unless the key exists; returns what is stored afterwards (the existing value wins). */
  putSettingIfAbsent<T>(key: string, value: T): Promise<T>;
}

export interface DataProvider {
  readonly kind: ProviderKind;
  /** Brings the storage schema up to date; safe to call from several engines at once. */
  migrate(): Promise<MigrationReport>;
  health(): Promise<HealthStatus>;
  readonly instance: InstanceStore;
  readonly users: UserStore;
  readonly orgs: OrganizationStore;
  readonly projects: ProjectStore;
  readonly audit: AuditStore;
  readonly outbox: OutboxStore;
  /** Cache invalidation across engine replicas. */
  readonly changeFeed: ChangeFeed;
  /** Background work shared by replicas. */
  readonly jobs: JobQueue;
  /** Rate-limit counters that hold across replicas. */
  readonly rateLimits: RateLimitStore;
  close(): Promise<void>;
}
