import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz, updatedAt } from './columns.js';
import { aiProvider, invitationStatus, memberRole, providerService } from './enums.js';

// clerk_id / clerk_updated_at are set only when identity comes from Clerk; local sign-in leaves them
// null. clerk_updated_at lets the webhook handler drop out-of-order Clerk events.

export const users = pgTable(
  'users',
  {
    id: id(),
    clerkId: text('clerk_id').unique(),
    email: text('email').notNull(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    imageUrl: text('image_url'),
    passwordHash: text('password_hash'),
    onboardingCompleted: boolean('onboarding_completed').notNull().default(false),
    clerkUpdatedAt: timestamptz('clerk_updated_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // Emails compare case-insensitively; look users up with `lower(email) = lower($1)`.
  (t) => [uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`)],
);
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export const organizations = pgTable('organizations', {
  id: id(),
  clerkId: text('clerk_id').unique(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  imageUrl: text('image_url'),
  clerkUpdatedAt: timestamptz('clerk_updated_at'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;

export const organizationMembers = pgTable(
  'organization_members',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: memberRole('role').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('organization_members_org_user_key').on(t.organizationId, t.userId),
    index('organization_members_user_idx').on(t.userId),
  ],
);
export type OrganizationMember = typeof organizationMembers.$inferSelect;
export type NewOrganizationMember = typeof organizationMembers.$inferInsert;

export const organizationInvitations = pgTable(
  'organization_invitations',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: memberRole('role').notNull().default('member'),
    // SHA-256 hex of the emailed token. Null for invitations mirrored from Clerk (Clerk owns the link).
    tokenHash: text('token_hash').unique(),
    status: invitationStatus('status').notNull().default('pending'),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamptz('expires_at').notNull(),
    acceptedAt: timestamptz('accepted_at'),
    clerkId: text('clerk_id').unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('organization_invitations_org_status_idx').on(t.organizationId, t.status),
    // Finds a signing-in user's pending invitations.
    index('organization_invitations_email_lower_idx').on(sql`lower(${t.email})`),
    // One open invitation per address and organization; re-inviting updates it.
    uniqueIndex('organization_invitations_pending_email_key')
      .on(t.organizationId, sql`lower(${t.email})`)
      .where(sql`${t.status} = 'pending'`),
  ],
);
export type OrganizationInvitation = typeof organizationInvitations.$inferSelect;
export type NewOrganizationInvitation = typeof organizationInvitations.$inferInsert;

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    activeOrganizationId: uuid('active_organization_id').references(() => organizations.id, {
      onDelete: 'set null',
    }),
    csrfTokenHash: text('csrf_token_hash'),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: createdAt(),
    lastSeenAt: timestamptz('last_seen_at').defaultNow().notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_at_idx').on(t.expiresAt)],
);
export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;

// Bring-your-own LLM provider keys. Only the encrypted key is stored; key_hint is what the UI shows.
export const organizationApiKeys = pgTable(
  'organization_api_keys',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    service: providerService('service').notNull(),
    name: text('name').notNull(),
    encryptedKey: text('encrypted_key').notNull(),
    keyHint: text('key_hint').notNull(),
    baseUrl: text('base_url'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: timestamptz('last_used_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // The unique index also serves "all keys of an organization" (organization_id is its prefix).
  (t) => [uniqueIndex('organization_api_keys_org_name_key').on(t.organizationId, t.name)],
);
export type OrganizationApiKey = typeof organizationApiKeys.$inferSelect;
export type NewOrganizationApiKey = typeof organizationApiKeys.$inferInsert;

// An organization's choice of AI provider and default model (issue 9). A null provider follows the
// instance (AI_PROVIDER, else the organization's first provider key); a null model is the provider's
// default. No row: both null.
export const organizationAiSettings = pgTable('organization_ai_settings', {
  organizationId: uuid('organization_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  provider: aiProvider('provider'),
  model: text('model'),
  updatedAt: updatedAt(),
});
export type OrganizationAiSetting = typeof organizationAiSettings.$inferSelect;

// One-time password reset links an admin issues for a member (there is no mail server: the admin
// passes the link on). Only the token's SHA-256 is stored.
export const passwordResets = pgTable(
  'password_resets',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('password_resets_user_idx').on(t.userId)],
);
export type PasswordReset = typeof passwordResets.$inferSelect;

// Clerk webhook deliveries already applied, by their svix-id: a replayed delivery changes nothing.
export const clerkWebhookEvents = pgTable('clerk_webhook_events', {
  svixId: text('svix_id').primaryKey(),
  eventType: text('event_type').notNull(),
  receivedAt: timestamptz('received_at').defaultNow().notNull(),
});

// Clerk objects deleted, and when (the event's time). Clerk delivers webhooks in any order: a create or
// update from before the deletion that arrives after it is dropped instead of bringing the object back
// (stores/clerk.ts). `object_type` is `user`, `organization` or `membership`; a membership is keyed by
// `<organization clerk id>/<user clerk id>`, as we mirror one membership per pair (Clerk gives a member
// added again a new membership id, and that newer membership applies).
export const clerkTombstones = pgTable(
  'clerk_tombstones',
  {
    objectType: text('object_type').notNull(),
    clerkId: text('clerk_id').notNull(),
    deletedAt: timestamptz('deleted_at').notNull(),
    recordedAt: timestamptz('recorded_at').defaultNow().notNull(),
  },
  (t) => [primaryKey({ columns: [t.objectType, t.clerkId] })],
);
