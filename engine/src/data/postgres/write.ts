import { eq, sql } from 'drizzle-orm';
import { auditLog, organizationMembers, outboxEvents } from './schema/index.js';
import { CHANGE_CHANNEL } from './ports/change-feed.js';
import type { Change } from '../ports/change-feed.js';
import type { Database, Transaction } from './database.js';
import type { WriteContext } from '../provider.js';
import type { AuditAction, AuditTargetType } from '../../audit/catalog.js';

export interface AuditRecord {
  organizationId: string | null;
  projectId?: string | null;
  /** One of the catalog's (audit/catalog.ts), so the audit page can offer it. */
  action: AuditAction;
  targetType?: AuditTargetType;
  targetId?: string;
  summary: string;
}

export interface EventRecord {
  organizationId: string | null;
  projectId?: string | null;
  type: string;
  payload: Record<string, unknown>;
}

export interface CommandOutcome<T> {
  result: T;
  audit: AuditRecord;
  events?: EventRecord[];
}

/**
 * Runs one use-case command: the change, its audit entry and its outgoing events commit together
 * or not at all. Every write method of the provider goes through here.
 */
export async function command<T>(db: Database, ctx: WriteContext, change: (tx: Transaction) => Promise<CommandOutcome<T>>): Promise<T> {
  let events: EventRecord[] = [];
  const result = await db.transaction(async (tx) => {
    const outcome = await change(tx);
    await record(tx, ctx, outcome);
    events = outcome.events ?? [];
    return outcome.result;
  });
  // This engine's own caches hear of the change before the caller does (read-your-writes); other
  // replicas hear of it through the notification sent on commit.
  if (events.length > 0) commitListeners.get(db)?.(events.map(toChange));
  return result;
}

const commitListeners = new WeakMap<Database, (changes: Change[]) => void>();

/** Called with the changes of every command committed through `db` (the provider wires its change feed). */
export function onCommit(db: Database, listener: (changes: Change[]) => void): void {
  commitListeners.set(db, listener);
}

function toChange(event: EventRecord): Change {
  return { topic: event.type, data: { organizationId: event.organizationId, projectId: event.projectId ?? null, ...event.payload } };
}

/** Writes a command's audit entry and events inside the caller's transaction. */
export async function record(tx: Transaction, ctx: WriteContext, { audit, events = [] }: Omit<CommandOutcome<unknown>, 'result'>): Promise<void> {
  await tx.insert(auditLog).values({
    organizationId: audit.organizationId,
    projectId: audit.projectId ?? null,
    actorType: ctx.actor.type,
    actorUserId: ctx.actor.type === 'user' ? ctx.actor.userId : null,
    actorApiKeyId: ctx.actor.type === 'api_key' ? ctx.actor.apiKeyId : null,
    action: audit.action,
    targetType: audit.targetType ?? null,
    targetId: audit.targetId ?? null,
    summary: audit.summary,
    ip: ctx.ip ?? null,
    userAgent: ctx.userAgent?.slice(0, 500) ?? null,
  });
  if (events.length > 0) {
    // Also a change notification, sent only if the transaction commits: every replica's caches hear
    // of the change at the moment it becomes visible, never before.
    for (const event of events) {
      const change = JSON.stringify(toChange(event));
      if (Buffer.byteLength(change) < 7900) await tx.execute(sql`select pg_notify(${CHANGE_CHANNEL}, ${change})`);
    }
    await tx.insert(outboxEvents).values(
      events.map((event) => ({
        organizationId: event.organizationId,
        projectId: event.projectId ?? null,
        type: event.type,
        payload: event.payload,
      })),
    );
  }
}

/** Describes a field change for the audit summary without leaking long contents. */
export function describeChange(field: string, from: string | null, to: string | null): string {
  const clip = (value: string | null) => (value === null ? '∅' : value.length > 60 ? `${value.slice(0, 57)}…` : value);
  return `${field}: "${clip(from)}" → "${clip(to)}"`;
}

/**
 * An event about a person rather than one organization (a sign-in, a password change, a session
 * ended): on record in each organization the user belongs to, so its admins see it — or once,
 * instance-wide, for someone in none.
 */
export async function recordForMember(tx: Transaction, ctx: WriteContext, userId: string | null, audit: Omit<AuditRecord, 'organizationId'>): Promise<void> {
  const memberships = userId
    ? await tx.select({ organizationId: organizationMembers.organizationId }).from(organizationMembers).where(eq(organizationMembers.userId, userId))
    : [];
  for (const organizationId of memberships.length > 0 ? memberships.map((membership) => membership.organizationId) : [null]) {
    await record(tx, ctx, { audit: { ...audit, organizationId } });
  }
}

/** A command about a person (their password, their sessions): the change and its audit entries, recorded as recordForMember does, commit together. */
export async function commandForMember<T>(
  db: Database,
  ctx: WriteContext,
  userId: string,
  change: (tx: Transaction) => Promise<{ result: T; audit: Omit<AuditRecord, 'organizationId'> }>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const { result, audit } = await change(tx);
    await recordForMember(tx, ctx, userId, audit);
    return result;
  });
}
