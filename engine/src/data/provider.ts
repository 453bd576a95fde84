/**
 * The DataProvider contract: everything the engine's services may ask of storage.
 *
 * Shaped so that a Convex implementation can follow: grouped by feature, and every write method is
 * one atomic use-case command that also records its audit entry and its outgoing event (a Convex
 * mutation does that in one call; a transaction spanning several provider calls cannot exist there).
 * No SQL or Drizzle types cross this boundary. Later issues add methods feature by feature.
 */
import type { AiSettingsStore } from './ai-settings.js';
import type { AiUsageStore } from './ai-usage.js';
import type { AnalyticsStore } from './analytics.js';
import type { PromptAnalysisStore } from './prompt-analyses.js';
import type { PromptTestStore } from './prompt-tests.js';
import type { ReportStore } from './reports.js';
import type { ClerkSyncStore } from './clerk-sync.js';
import type { PromotionStore, PromptStore } from './prompts.js';
import type { TraceStore } from './traces.js';
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

export interface Member {
  userId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: MemberRole;
  joinedAt: Date;
}

export interface Session {
  id: string;
  userId: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  role: MemberRole;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  invitedBy: string | null;
  expiresAt: Date;
  acceptedAt: Date | null;
  createdAt: Date;
}

export interface ProjectApiKey {
  id: string;
  projectId: string;
  name: string;
  /** What the UI shows, e.g. `fp_proj_Ab3d…`; the full key is shown once, at creation. */
  keyPrefix: string;
  createdBy: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export interface ProviderKey {
  id: string;
  organizationId: string;
  service: 'openrouter' | 'openai' | 'anthropic' | 'custom';
  name: string;
  keyHint: string;
  baseUrl: string | null;
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

export interface NewUserInput {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  passwordHash?: string | null;
}

export interface UserStore {
  create(ctx: WriteContext, input: NewUserInput): Promise<User>;
  get(userId: string): Promise<User | null>;
  findByEmail(email: string): Promise<User | null>;
  count(): Promise<number>;
  /** The stored argon2id hash (null for users without a local password, e.g. synced from Clerk). */
  getPasswordHash(userId: string): Promise<string | null>;
  /** Sets a new password hash and ends every session of the user except `keepSessionId`. */
  changePassword(ctx: WriteContext, userId: string, passwordHash: string, keepSessionId: string | null): Promise<void>;
}

export interface SessionStore {
  /** Records a sign-in: the session and its audit entry. */
  create(
    ctx: WriteContext,
    input: { userId: string; tokenHash: string; expiresAt: Date },
  ): Promise<Session>;
  /** The live (unexpired) session with this token hash (its CSRF token is derived from the token, not stored). */
  find(tokenHash: string): Promise<Session | null>;
  /** Slides the expiry; writes at most once a minute per session. True when it did. */
  touch(sessionId: string, expiresAt: Date): Promise<boolean>;
  list(userId: string): Promise<Session[]>;
  /** NotFoundError when the user has no such session. */
  revoke(ctx: WriteContext, userId: string, sessionId: string): Promise<void>;
  /** Ends every session of the user except `keepSessionId`; returns how many ended. */
  revokeOthers(ctx: WriteContext, userId: string, keepSessionId: string | null): Promise<number>;
}

export interface SetupInput {
  email: string;
  passwordHash: string;
  firstName?: string | null;
  lastName?: string | null;
  organizationName: string;
  projectName: string;
}

/** Headless initialization (FORPROMPT_INIT_*): each part is created when missing, left alone when present. */
export interface InitializationInput {
  email: string;
  passwordHash: string;
  organizationName?: string;
  projectName?: string;
  apiKey?: { keyHash: string; keyPrefix: string };
}

export interface SetupStore {
  /**
   * First run: creates the owner, the first organization and a default project — only while no user
   * exists (ConflictError `setup_already_done` otherwise, also when two requests race).
   */
  bootstrap(ctx: Omit<WriteContext, 'actor'>, input: SetupInput): Promise<{ user: User; organization: Organization; project: Project }>;
  /**
   * Idempotent across restarts and replicas: returns what it created (a subset of user, organization,
   * project, apiKey). An API key registered for another project is a ConflictError.
   */
  initialize(input: InitializationInput): Promise<string[]>;
}

export interface MemberStore {
  list(organizationId: string): Promise<Member[]>;
  /**
   * The last owner can neither be demoted nor removed (ConflictError `last_owner`); only an owner
   * (`actorRole`; null for the system) grants the owner role or changes an owner (403 `owner_only`).
   * Checked under a lock on the organization, so concurrent changes cannot race past the rules.
   */
  changeRole(ctx: WriteContext, organizationId: string, userId: string, role: MemberRole, actorRole: MemberRole | null): Promise<Member>;
  remove(ctx: WriteContext, organizationId: string, userId: string, actorRole: MemberRole | null): Promise<void>;
}

export interface InvitationStore {
  /** A new pending invitation; re-inviting an address with one pending replaces it. */
  create(
    ctx: WriteContext,
    organizationId: string,
    input: { email: string; role: MemberRole; tokenHash: string; expiresAt: Date },
  ): Promise<Invitation>;
  list(organizationId: string): Promise<Invitation[]>;
  revoke(ctx: WriteContext, organizationId: string, invitationId: string): Promise<void>;
  /** The invitation behind a link, with its organization's name (any status). */
  findByToken(tokenHash: string): Promise<(Invitation & { organizationName: string }) | null>;
  /**
   * Accepts for an existing user, or creates the invited account and accepts, in one transaction:
   * adds the membership (keeping a higher existing role) — only a pending,
   * unexpired invitation (ConflictError `invitation_used` / `invitation_revoked`, 410 `invitation_expired`).
   */
  accept(
    ctx: Omit<WriteContext, 'actor'>,
    tokenHash: string,
    who: { userId: string } | { newUser: NewUserInput },
  ): Promise<{ organizationId: string; role: MemberRole; userId: string }>;
}

export interface ApiKeyStore {
  create(
    ctx: WriteContext,
    organizationId: string,
    projectId: string,
    input: { name: string; keyHash: string; keyPrefix: string; expiresAt: Date | null },
  ): Promise<ProjectApiKey>;
  list(organizationId: string, projectId: string): Promise<ProjectApiKey[]>;
  /** Every key of the organization's projects, revoked ones too, each with its project's name (projects by name, keys newest first). */
  listOfOrganization(organizationId: string): Promise<Array<ProjectApiKey & { projectName: string }>>;
  revoke(ctx: WriteContext, organizationId: string, projectId: string, keyId: string): Promise<void>;
  /** A new key in place of `keyId`; the old one keeps working for `graceSeconds`, then expires. */
  rotate(
    ctx: WriteContext,
    organizationId: string,
    projectId: string,
    keyId: string,
    input: { keyHash: string; keyPrefix: string; graceSeconds: number },
  ): Promise<ProjectApiKey>;
  /** The key with this SHA-256 hash (revoked and expired ones too: the caller says why it refuses). */
  findByHash(keyHash: string): Promise<(ProjectApiKey & { organizationId: string }) | null>;
  /** Records use; writes at most once a minute per key. */
  touch(keyId: string): Promise<void>;
}

export interface ProviderKeyStore {
  create(
    ctx: WriteContext,
    organizationId: string,
    input: { service: ProviderKey['service']; name: string; encryptedKey: string; keyHint: string; baseUrl: string | null },
  ): Promise<ProviderKey>;
  list(organizationId: string): Promise<ProviderKey[]>;
  /** The encrypted key, for the AI features (never sent to a browser). */
  getEncrypted(organizationId: string, keyId: string): Promise<string | null>;
  delete(ctx: WriteContext, organizationId: string, keyId: string): Promise<void>;
}

export interface PasswordResetStore {
  /** An admin's one-time reset link for a member of their organization. */
  create(ctx: WriteContext, organizationId: string, userId: string, input: { tokenHash: string; expiresAt: Date }): Promise<void>;
  /**
   * Uses the link: sets the password and ends all the user's sessions. ConflictError
   * `reset_link_used`, 410 `reset_link_expired`, 404 for an unknown link.
   */
  consume(ctx: Omit<WriteContext, 'actor'>, tokenHash: string, passwordHash: string): Promise<{ userId: string }>;
}

export interface OrganizationStore {
  /** Creates the organization with `ownerUserId` as its owner. The slug is derived from the name unless given. */
  create(ctx: WriteContext, input: { name: string; slug?: string; ownerUserId: string }): Promise<Organization>;
  get(organizationId: string): Promise<Organization | null>;
  rename(ctx: WriteContext, organizationId: string, name: string): Promise<Organization>;
  listForUser(userId: string): Promise<Array<Organization & { role: MemberRole }>>;
  getRole(organizationId: string, userId: string): Promise<MemberRole | null>;
  /** Deletes the organization and everything in it. */
  delete(ctx: WriteContext, organizationId: string): Promise<void>;
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
  /** Entries older than this one (keyset pagination: pass the last id of the previous page). */
  before?: { createdAt: Date; id: string };
  actorUserId?: string;
  /** Entries written by this project API key. */
  actorApiKeyId?: string;
  targetType?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

export interface AuditStore {
  list(organizationId: string, query?: AuditQuery): Promise<AuditEntry[]>;
  /** An event that changes nothing else but must be on record (a failed sign-in, a key shown). */
  record(
    ctx: WriteContext,
    entry: { organizationId: string | null; action: string; summary: string; targetType?: string; targetId?: string },
  ): Promise<void>;
  /** An event about a person (a failed sign-in): recorded in each of their organizations, or instance-wide. */
  recordForUser(ctx: WriteContext, userId: string | null, entry: { action: string; summary: string; targetType?: string; targetId?: string }): Promise<void>;
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

export interface MaintenanceStore {
  /** Deletes what has expired (sessions, rate-limit windows, idempotency keys, reset links, old webhook ids); counts per kind. */
  purgeExpired(): Promise<Record<string, number>>;
}

/**
 * Idempotency-Key support: the first request with a key claims it; its response is stored and
 * replayed to retries. Keys are scoped (e.g. per project) and expire.
 */
export interface IdempotencyStore {
  /** 'claimed' (go ahead), or what is known of an earlier request with this key. */
  claim(scope: string, key: string, requestHash: string, ttlSeconds: number): Promise<
    { state: 'claimed' } | { state: 'in_progress' } | { state: 'mismatch' } | { state: 'done'; status: number; body: unknown }
  >;
  complete(scope: string, key: string, status: number, body: unknown): Promise<void>;
  /** The request failed: let a retry run it again. */
  release(scope: string, key: string): Promise<void>;
}

/** A project the app itself owns (e.g. the AI instructions' defaults), in an organization nobody is a member of. */
export interface SystemProjectSpec {
  /** The instance setting remembering where it is (so renaming or re-slugging it creates no second one). */
  settingKey: string;
  organizationName: string;
  projectName: string;
  projectSlug: string;
  projectDescription: string;
}

export interface InstanceStore {
  getSetting<T = unknown>(key: string): Promise<T | null>;
  /** Stores `value` unless the key exists; returns what is stored afterwards (the existing value wins). */
  putSettingIfAbsent<T>(key: string, value: T): Promise<T>;
  /** The system project, or null before it is created (or after it was deleted). */
  findSystemProject(spec: SystemProjectSpec): Promise<{ organizationId: string; projectId: string } | null>;
  /** Creates the system project and its organization once (engines starting together create one). */
  ensureSystemProject(spec: SystemProjectSpec): Promise<{ organizationId: string; projectId: string }>;
}

export interface DataProvider {
  readonly kind: ProviderKind;
  /** The PostgreSQL connection string (with its password: never log it); absent for non-SQL providers. */
  readonly databaseUrl?: string;
  /** Brings the storage schema up to date; safe to call from several engines at once. */
  /** `target` (a migration tag) stops after that migration: restoring an older backup needs its schema. */
  migrate(options?: { target?: string }): Promise<MigrationReport>;
  health(): Promise<HealthStatus>;
  readonly instance: InstanceStore;
  readonly maintenance: MaintenanceStore;
  readonly idempotency: IdempotencyStore;
  readonly setup: SetupStore;
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly passwordResets: PasswordResetStore;
  readonly orgs: OrganizationStore;
  readonly members: MemberStore;
  readonly invitations: InvitationStore;
  readonly projects: ProjectStore;
  readonly prompts: PromptStore;
  /** Traces and spans sent by applications (ingestion and the trace queries). */
  readonly traces: TraceStore;
  /** Read-only aggregates over traces: project overview, per-prompt series and versions, organization usage. */
  readonly analytics: AnalyticsStore;
  readonly promotions: PromotionStore;
  readonly apiKeys: ApiKeyStore;
  readonly providerKeys: ProviderKeyStore;
  /** Each organization's choice of AI provider and default model. */
  readonly aiSettings: AiSettingsStore;
  /** Every LLM call the appliance makes (ai_usage_logs) and the organizations' usage counters. */
  readonly aiUsage: AiUsageStore;
  /** The AI's stored reviews of prompt versions (prompt_analysis_results). */
  readonly promptAnalyses: PromptAnalysisStore;
  /** Playground results and test suites with their cases and judged runs. */
  readonly promptTests: PromptTestStore;
  /** AI report runs and the conversation, batch and version reports they write. */
  readonly reports: ReportStore;
  readonly audit: AuditStore;
  /** Mirrors Clerk's users, organizations, memberships and invitations (AUTH_PROVIDER=clerk). */
  readonly clerk: ClerkSyncStore;
  readonly outbox: OutboxStore;
  /** Cache invalidation across engine replicas. */
  readonly changeFeed: ChangeFeed;
  /** Background work shared by replicas. */
  readonly jobs: JobQueue;
  /** Rate-limit counters that hold across replicas. */
  readonly rateLimits: RateLimitStore;
  close(): Promise<void>;
}
