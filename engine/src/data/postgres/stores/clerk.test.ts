import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/db.js';
import { createDatabase, createPool, type Database } from '../database.js';
import { auditLog, clerkWebhookEvents, organizationInvitations, organizationMembers, organizations, users } from '../schema/index.js';
import type { ClerkMembershipData, ClerkSyncStore, ClerkWebhookEvent } from '../../clerk-sync.js';
import { slugify } from '../../../lib/slug.js';
import { clerkSyncStore } from './clerk.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let db: Database;
let store: ClerkSyncStore;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url);
  db = createDatabase(pool);
  store = clerkSyncStore(db);
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const at = (iso: string) => new Date(iso);
const unique = () => randomUUID().slice(0, 8);
const apply = (event: ClerkWebhookEvent) => store.applyWebhookEvent(event);

function userEvent(clerkId: string, fields: { email?: string | null; firstName?: string; updatedAt?: Date; type?: 'user.created' | 'user.updated' } = {}): ClerkWebhookEvent {
  return {
    svixId: `msg_${unique()}`,
    type: fields.type ?? 'user.created',
    user: {
      clerkId,
      email: fields.email === undefined ? `${clerkId}@example.com` : fields.email,
      firstName: fields.firstName ?? 'Ada',
      lastName: 'Lovelace',
      imageUrl: 'https://img.clerk.com/ada.png',
      updatedAt: fields.updatedAt ?? at('2024-05-01T10:00:00Z'),
    },
  };
}

function organizationEvent(clerkId: string, fields: { name?: string; slug?: string | null; createdBy?: string | null; updatedAt?: Date; type?: 'organization.created' | 'organization.updated' } = {}): ClerkWebhookEvent {
  return {
    svixId: `msg_${unique()}`,
    type: fields.type ?? 'organization.created',
    organization: {
      clerkId,
      name: fields.name ?? 'Acme',
      slug: fields.slug === undefined ? `acme-${clerkId.toLowerCase()}` : fields.slug,
      imageUrl: null,
      createdBy: fields.createdBy ?? null,
      updatedAt: fields.updatedAt ?? at('2024-05-01T10:00:00Z'),
    },
  };
}

function membershipEvent(
  organizationClerkId: string,
  userClerkId: string,
  fields: Partial<Pick<ClerkMembershipData, 'role' | 'updatedAt'>> & { type?: 'organizationMembership.created' | 'organizationMembership.updated' | 'organizationMembership.deleted'; deletedAt?: Date } = {},
): ClerkWebhookEvent {
  const type = fields.type ?? 'organizationMembership.created';
  const updatedAt = fields.updatedAt === undefined ? at('2024-05-01T10:00:00Z') : fields.updatedAt;
  const deletion = type === 'organizationMembership.deleted' ? { type, deletedAt: fields.deletedAt ?? updatedAt ?? new Date() } : { type };
  return {
    svixId: `msg_${unique()}`,
    ...deletion,
    membership: {
      clerkId: `orgmem_${organizationClerkId}_${userClerkId}`,
      role: fields.role ?? 'member',
      updatedAt,
      organization: { clerkId: organizationClerkId, name: 'Early Org', slug: `early-${organizationClerkId.toLowerCase()}`, imageUrl: null },
      user: { clerkId: userClerkId, email: `${userClerkId}@example.com`, firstName: 'Grace', lastName: null, imageUrl: null },
    },
  };
}

const userByClerkId = async (clerkId: string) => (await db.select().from(users).where(eq(users.clerkId, clerkId)))[0];
const organizationByClerkId = async (clerkId: string) => (await db.select().from(organizations).where(eq(organizations.clerkId, clerkId)))[0];
const invitationByClerkId = async (clerkId: string) => (await db.select().from(organizationInvitations).where(eq(organizationInvitations.clerkId, clerkId)))[0];
const memberRole = async (organizationId: string, userId: string) =>
  (await db.select().from(organizationMembers).where(sql`${organizationMembers.organizationId} = ${organizationId} and ${organizationMembers.userId} = ${userId}`))[0]?.role ?? null;
const auditActions = async () => (await db.select({ action: auditLog.action }).from(auditLog)).map((row) => row.action);
const count = async (table: typeof auditLog | typeof users | typeof clerkWebhookEvents) => (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

describe('Clerk users', () => {
  it('user.created stores the user with its primary email and Clerk timestamp, audited as the system', async () => {
    const clerkId = `user_${unique()}`;
    expect(await apply(userEvent(clerkId, { email: `Mixed.${clerkId}@Example.com` }))).toBe('applied');
    const user = await userByClerkId(clerkId);
    expect(user).toMatchObject({ email: `mixed.${clerkId}@example.com`.toLowerCase(), firstName: 'Ada', lastName: 'Lovelace', imageUrl: 'https://img.clerk.com/ada.png' });
    expect(user!.clerkUpdatedAt).toEqual(at('2024-05-01T10:00:00Z'));
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.targetId, user!.id));
    expect(entry).toMatchObject({ action: 'clerk.user.created', actorType: 'system', targetType: 'user', organizationId: null });
  });

  it('a replayed svix id answers duplicate and changes nothing, not even the audit log', async () => {
    const clerkId = `user_${unique()}`;
    const event = userEvent(clerkId);
    await apply(event);
    await apply(userEvent(clerkId, { type: 'user.updated', firstName: 'Later', updatedAt: at('2024-05-02T00:00:00Z') }));
    const before = { audit: await count(auditLog), user: await userByClerkId(clerkId) };
    expect(await apply(event)).toBe('duplicate');
    expect(await count(auditLog)).toBe(before.audit);
    expect(await userByClerkId(clerkId)).toEqual(before.user);
  });

  it('an update older than the stored user is stale and ignored', async () => {
    const clerkId = `user_${unique()}`;
    await apply(userEvent(clerkId, { type: 'user.updated', firstName: 'Newest', updatedAt: at('2024-06-01T00:00:00Z') }));
    expect(await apply(userEvent(clerkId, { type: 'user.created', firstName: 'Oldest', updatedAt: at('2024-05-01T00:00:00Z') }))).toBe('stale');
    expect((await userByClerkId(clerkId))!.firstName).toBe('Newest');
    expect(await auditActions()).toContain('clerk.event_skipped');
  });

  it('an email held by another account is not taken; the user keeps a placeholder', async () => {
    const first = `user_${unique()}`;
    const second = `user_${unique()}`;
    await apply(userEvent(first, { email: 'shared@example.com' }));
    expect(await apply(userEvent(second, { email: 'shared@example.com' }))).toBe('applied');
    expect((await userByClerkId(second))!.email).toBe(`${second}@users.clerk.invalid`);
  });

  it('user.deleted removes the user and their memberships; deleting an unknown user is ignored', async () => {
    const organizationId = `org_${unique()}`;
    const clerkId = `user_${unique()}`;
    await apply(membershipEvent(organizationId, clerkId));
    const user = await userByClerkId(clerkId);
    expect(await apply({ svixId: `msg_${unique()}`, type: 'user.deleted', clerkUserId: clerkId, deletedAt: new Date() })).toBe('applied');
    expect(await userByClerkId(clerkId)).toBeUndefined();
    expect(await memberRole((await organizationByClerkId(organizationId))!.id, user!.id)).toBeNull();
    expect(await apply({ svixId: `msg_${unique()}`, type: 'user.deleted', clerkUserId: 'user_never_seen', deletedAt: new Date() })).toBe('ignored');
  });
});

describe('Clerk organizations', () => {
  it('organization.created and .updated store name, slug and timestamp; an older update is stale', async () => {
    const clerkId = `org_${unique()}`;
    await apply(organizationEvent(clerkId, { name: 'Acme', slug: `acme-${clerkId}` }));
    expect(await apply(organizationEvent(clerkId, { type: 'organization.updated', name: 'Acme Inc', updatedAt: at('2024-07-01T00:00:00Z') }))).toBe('applied');
    expect(await apply(organizationEvent(clerkId, { type: 'organization.updated', name: 'Acme Old', updatedAt: at('2024-06-01T00:00:00Z') }))).toBe('stale');
    const organization = await organizationByClerkId(clerkId);
    expect(organization).toMatchObject({ name: 'Acme Inc', slug: slugify(`acme-${clerkId}`) });
    const [entry] = await db.select().from(auditLog).where(eq(auditLog.action, 'clerk.organization.updated'));
    expect(entry!.organizationId).toBe(organization!.id);
  });

  it('a slug taken by another organization gets a free variant', async () => {
    const slug = `taken-${unique()}`;
    await apply(organizationEvent(`org_${unique()}`, { slug }));
    const second = `org_${unique()}`;
    await apply(organizationEvent(second, { slug }));
    expect((await organizationByClerkId(second))!.slug).toBe(`${slug}-2`);
    const third = `org_${unique()}`;
    await apply(organizationEvent(third, { name: 'No Slugs Here', slug: null }));
    expect((await organizationByClerkId(third))!.slug).toMatch(/^no-slugs-here/);
  });

  it('organization.deleted removes it with its members and invitations; an unknown one is ignored', async () => {
    const clerkId = `org_${unique()}`;
    const userId = `user_${unique()}`;
    await apply(membershipEvent(clerkId, userId));
    const organization = await organizationByClerkId(clerkId);
    expect(await apply({ svixId: `msg_${unique()}`, type: 'organization.deleted', clerkOrganizationId: clerkId, deletedAt: new Date() })).toBe('applied');
    expect(await organizationByClerkId(clerkId)).toBeUndefined();
    expect(await memberRole(organization!.id, (await userByClerkId(userId))!.id)).toBeNull();
    expect(await userByClerkId(userId)).toBeDefined();
    expect(await apply({ svixId: `msg_${unique()}`, type: 'organization.deleted', clerkOrganizationId: 'org_never_seen', deletedAt: new Date() })).toBe('ignored');
  });
});

describe('Clerk memberships', () => {
  it('a membership arriving before its user and organization creates placeholders that later events fill in', async () => {
    const organizationId = `org_${unique()}`;
    const userId = `user_${unique()}`;
    expect(await apply(membershipEvent(organizationId, userId, { role: 'admin' }))).toBe('applied');
    const placeholderOrg = await organizationByClerkId(organizationId);
    const placeholderUser = await userByClerkId(userId);
    expect(placeholderOrg).toMatchObject({ name: 'Early Org', clerkUpdatedAt: null });
    expect(placeholderUser).toMatchObject({ email: `${userId}@example.com`.toLowerCase(), firstName: 'Grace', clerkUpdatedAt: null });
    expect(await memberRole(placeholderOrg!.id, placeholderUser!.id)).toBe('admin');

    await apply(userEvent(userId, { email: `real-${userId}@example.com`, firstName: 'Real' }));
    await apply(organizationEvent(organizationId, { name: 'Real Org' }));
    expect(await userByClerkId(userId)).toMatchObject({ id: placeholderUser!.id, firstName: 'Real' });
    expect(await organizationByClerkId(organizationId)).toMatchObject({ id: placeholderOrg!.id, name: 'Real Org' });
  });

  it('role changes apply in Clerk order: an older update is stale', async () => {
    const organizationId = `org_${unique()}`;
    const userId = `user_${unique()}`;
    await apply(membershipEvent(organizationId, userId, { role: 'member', updatedAt: at('2024-05-01T00:00:00Z') }));
    await apply(membershipEvent(organizationId, userId, { type: 'organizationMembership.updated', role: 'admin', updatedAt: at('2024-05-03T00:00:00Z') }));
    expect(await apply(membershipEvent(organizationId, userId, { type: 'organizationMembership.updated', role: 'viewer', updatedAt: at('2024-05-02T00:00:00Z') }))).toBe('stale');
    const organization = await organizationByClerkId(organizationId);
    expect(await memberRole(organization!.id, (await userByClerkId(userId))!.id)).toBe('admin');
    const entries = await db.select().from(auditLog).where(eq(auditLog.organizationId, organization!.id));
    expect(entries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['clerk.organizationMembership.created', 'clerk.organizationMembership.updated', 'clerk.event_skipped']),
    );
  });

  it('the creator named by organization events becomes owner', async () => {
    const organizationId = `org_${unique()}`;
    const creator = `user_${unique()}`;
    await apply(membershipEvent(organizationId, creator, { role: 'admin' }));
    await apply(organizationEvent(organizationId, { createdBy: creator }));
    const organization = await organizationByClerkId(organizationId);
    expect(await memberRole(organization!.id, (await userByClerkId(creator))!.id)).toBe('owner');
    // Still Clerk's time, so that a later membership event is ordered against it.
    const [membership] = await db.select().from(organizationMembers).where(eq(organizationMembers.organizationId, organization!.id));
    expect(membership!.updatedAt).toEqual(at('2024-05-01T10:00:00Z'));
  });

  it('membership.deleted removes the member; unknown is ignored; an earlier membership deleted late is stale', async () => {
    const organizationId = `org_${unique()}`;
    const userId = `user_${unique()}`;
    await apply(membershipEvent(organizationId, userId, { updatedAt: at('2024-05-05T00:00:00Z') }));
    const lateDeletion = membershipEvent(organizationId, userId, { type: 'organizationMembership.deleted', updatedAt: at('2024-05-01T00:00:00Z') });
    expect(await apply(lateDeletion)).toBe('stale');
    const deletion = membershipEvent(organizationId, userId, { type: 'organizationMembership.deleted', updatedAt: at('2024-05-05T00:00:00Z') });
    expect(await apply(deletion)).toBe('applied');
    expect(await memberRole((await organizationByClerkId(organizationId))!.id, (await userByClerkId(userId))!.id)).toBeNull();
    expect(await apply({ ...deletion, svixId: `msg_${unique()}` })).toBe('ignored');
  });
});

describe('Clerk invitations', () => {
  function invitationEvent(clerkId: string, organizationClerkId: string, type: 'organizationInvitation.created' | 'organizationInvitation.accepted' | 'organizationInvitation.revoked', updatedAt: Date, expiresAt: Date | null = null): ClerkWebhookEvent {
    const status = type === 'organizationInvitation.created' ? 'pending' : type === 'organizationInvitation.accepted' ? 'accepted' : 'revoked';
    return {
      svixId: `msg_${unique()}`,
      type,
      invitation: {
        clerkId,
        organization: { clerkId: organizationClerkId, name: 'Invite Org', slug: null, imageUrl: null },
        email: 'Invitee@Example.com',
        role: 'member',
        status,
        expiresAt,
        createdAt: at('2024-05-01T00:00:00Z'),
        updatedAt,
      },
    };
  }

  it('created, then accepted; a late created is stale; expiry defaults to 30 days', async () => {
    const organizationId = `org_${unique()}`;
    const clerkId = `orginv_${unique()}`;
    expect(await apply(invitationEvent(clerkId, organizationId, 'organizationInvitation.created', at('2024-05-01T00:00:00Z')))).toBe('applied');
    const pending = await invitationByClerkId(clerkId);
    expect(pending).toMatchObject({ email: 'invitee@example.com', role: 'member', status: 'pending', tokenHash: null, expiresAt: at('2024-05-31T00:00:00Z') });
    expect(await apply(invitationEvent(clerkId, organizationId, 'organizationInvitation.accepted', at('2024-05-02T00:00:00Z')))).toBe('applied');
    expect(await invitationByClerkId(clerkId)).toMatchObject({ status: 'accepted', acceptedAt: at('2024-05-02T00:00:00Z') });
    expect(await apply(invitationEvent(clerkId, organizationId, 'organizationInvitation.created', at('2024-05-03T00:00:00Z')))).toBe('stale');
    expect((await invitationByClerkId(clerkId))!.status).toBe('accepted');
  });

  it('revoked keeps the expiry Clerk gave; revoking for an unknown organization is ignored', async () => {
    const organizationId = `org_${unique()}`;
    const clerkId = `orginv_${unique()}`;
    await apply(invitationEvent(clerkId, organizationId, 'organizationInvitation.created', at('2024-05-01T00:00:00Z'), at('2024-06-15T00:00:00Z')));
    expect(await apply(invitationEvent(clerkId, organizationId, 'organizationInvitation.revoked', at('2024-05-02T00:00:00Z')))).toBe('applied');
    expect(await invitationByClerkId(clerkId)).toMatchObject({ status: 'revoked', expiresAt: at('2024-06-15T00:00:00Z') });
    expect(await apply(invitationEvent(`orginv_${unique()}`, `org_never_seen_${unique()}`, 'organizationInvitation.revoked', at('2024-05-02T00:00:00Z')))).toBe('ignored');
  });

  it('a new pending invitation for the same address replaces an older one still pending', async () => {
    const organizationId = `org_${unique()}`;
    const older = `orginv_${unique()}`;
    const newer = `orginv_${unique()}`;
    await apply(invitationEvent(older, organizationId, 'organizationInvitation.created', at('2024-05-01T00:00:00Z')));
    expect(await apply(invitationEvent(newer, organizationId, 'organizationInvitation.created', at('2024-05-02T00:00:00Z')))).toBe('applied');
    expect((await invitationByClerkId(older))!.status).toBe('revoked');
    expect((await invitationByClerkId(newer))!.status).toBe('pending');
  });
});

describe('resolving session identities', () => {
  it('a user seen in a session before its webhook gets a placeholder that user.created completes', async () => {
    const clerkId = `user_${unique()}`;
    const { userId } = (await store.resolveUser(clerkId, {}))!;
    expect(await userByClerkId(clerkId)).toMatchObject({ id: userId, email: `${clerkId}@users.clerk.invalid` });
    expect(await store.resolveUser(clerkId, {})).toEqual({ userId });
    await apply(userEvent(clerkId, { email: `${clerkId}@example.com` }));
    expect(await userByClerkId(clerkId)).toMatchObject({ id: userId, email: `${clerkId}@example.com`.toLowerCase() });
    expect(await auditActions()).toContain('clerk.user.provisioned');
  });

  it('concurrent first sessions create one user', async () => {
    const clerkId = `user_${unique()}`;
    const results = await Promise.all([1, 2, 3, 4].map(() => store.resolveUser(clerkId, { email: `${clerkId}@example.com` })));
    expect(new Set(results.map((result) => result!.userId)).size).toBe(1);
  });

  it('an organization is provisioned from the session, and answers the member’s synced role', async () => {
    const organizationClerkId = `org_${unique()}`;
    const userClerkId = `user_${unique()}`;
    const { userId } = (await store.resolveUser(userClerkId, {}))!;
    const first = (await store.resolveOrganization(organizationClerkId, { slug: 'from-token' }, userId))!;
    expect(first.syncedRole).toBeNull();
    expect(await organizationByClerkId(organizationClerkId)).toMatchObject({ id: first.organizationId, name: 'from-token' });
    await apply(membershipEvent(organizationClerkId, userClerkId, { role: 'owner' }));
    expect(await store.resolveOrganization(organizationClerkId, {}, userId)).toEqual({ organizationId: first.organizationId, syncedRole: 'owner' });
  });
});
