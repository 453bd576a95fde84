import { z } from 'zod';
import type { ClerkMembershipData, ClerkWebhookEvent } from '../../data/clerk-sync.js';
import { mapClerkRole, type ClerkRoleMap } from './roles.js';

// Clerk's webhook payloads, validated for the fields we use only: Clerk adds fields over time, and
// unknown ones are dropped. Timestamps are milliseconds since the epoch.

const text = z.string().min(1);
const optionalText = z.string().nullish().transform((value) => value || null);
const millis = z.number().int().nonnegative().transform((value) => new Date(value));

const user = z.object({
  id: text,
  email_addresses: z.array(z.object({ id: text, email_address: z.string() })).default([]),
  primary_email_address_id: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  image_url: optionalText,
  updated_at: millis,
});

const deleted = z.object({ id: text.optional() });

const organization = z.object({
  id: text,
  name: text,
  slug: optionalText,
  image_url: optionalText,
  created_by: optionalText,
  updated_at: millis,
});

const membership = z.object({
  id: text,
  role: text,
  updated_at: millis,
  organization: organization.partial({ updated_at: true }),
  public_user_data: z.object({
    user_id: text,
    identifier: optionalText,
    first_name: optionalText,
    last_name: optionalText,
    image_url: optionalText,
  }),
});
const deletedMembership = membership.partial({ role: true, updated_at: true });

const invitation = z.object({
  id: text,
  email_address: text,
  role: text,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']).optional(),
  organization_id: text,
  public_organization_data: z.object({ name: optionalText, slug: optionalText, image_url: optionalText }).nullish(),
  created_at: millis.optional(),
  updated_at: millis,
  expires_at: millis.nullish(),
});

/** The envelope: `{ type, data, timestamp, … }`; `timestamp` is when the event happened (Clerk sends it since 2024). */
export const clerkEventEnvelope = z.object({ type: text, data: z.record(z.string(), z.unknown()), timestamp: millis.optional() });

const invitationStatus = {
  'organizationInvitation.created': 'pending',
  'organizationInvitation.accepted': 'accepted',
  'organizationInvitation.revoked': 'revoked',
} as const;

function primaryEmail(data: z.infer<typeof user>): string | null {
  const primary = data.email_addresses.find((address) => address.id === data.primary_email_address_id);
  return (primary ?? data.email_addresses[0])?.email_address || null;
}

function toMembership(data: z.infer<typeof deletedMembership>, roleMap: ClerkRoleMap): ClerkMembershipData {
  const userData = data.public_user_data;
  const isCreator = data.organization.created_by === userData.user_id;
  return {
    clerkId: data.id,
    role: mapClerkRole(data.role, roleMap, { isCreator }),
    updatedAt: data.updated_at ?? null,
    organization: { clerkId: data.organization.id, name: data.organization.name, slug: data.organization.slug, imageUrl: data.organization.image_url },
    // `identifier` is the email for email sign-ups, but may be a phone number or username.
    user: {
      clerkId: userData.user_id,
      email: userData.identifier?.includes('@') ? userData.identifier : null,
      firstName: userData.first_name,
      lastName: userData.last_name,
      imageUrl: userData.image_url,
    },
  };
}

/**
 * Our event for a Clerk webhook payload; null for event types we do not mirror. Throws ZodError when a
 * mirrored type's data lacks what we need. `sentAt` (svix's signed timestamp) dates a deletion when the
 * envelope does not.
 */
export function toSyncEvent(svixId: string, envelope: z.infer<typeof clerkEventEnvelope>, roleMap: ClerkRoleMap, sentAt: Date): ClerkWebhookEvent | null {
  const { type, data } = envelope;
  // When the deletion happened: as Clerk dates the event, else (older payloads) no later than svix sent it.
  const deletedAt = envelope.timestamp ?? sentAt;
  switch (type) {
    case 'user.created':
    case 'user.updated': {
      const parsed = user.parse(data);
      const { id, first_name, last_name, image_url, updated_at } = parsed;
      return { svixId, type, user: { clerkId: id, email: primaryEmail(parsed), firstName: first_name, lastName: last_name, imageUrl: image_url, updatedAt: updated_at } };
    }
    case 'organization.created':
    case 'organization.updated': {
      const { id, name, slug, image_url, created_by, updated_at } = organization.parse(data);
      return { svixId, type, organization: { clerkId: id, name, slug, imageUrl: image_url, createdBy: created_by, updatedAt: updated_at } };
    }
    case 'user.deleted':
    case 'organization.deleted': {
      // Clerk may send a deletion without an id (for objects it could not resolve): nothing to mirror.
      const { id } = deleted.parse(data);
      if (!id) return null;
      return type === 'user.deleted' ? { svixId, type, clerkUserId: id, deletedAt } : { svixId, type, clerkOrganizationId: id, deletedAt };
    }
    case 'organizationMembership.created':
    case 'organizationMembership.updated':
      return { svixId, type, membership: toMembership(membership.parse(data), roleMap) };
    case 'organizationMembership.deleted': {
      const parsed = deletedMembership.parse(data);
      // Without Clerk's event time, the membership's last change is a safer date than the sending: a
      // member added again between the deletion and a retried delivery must not look deleted.
      return { svixId, type, membership: toMembership(parsed, roleMap), deletedAt: envelope.timestamp ?? parsed.updated_at ?? sentAt };
    }
    case 'organizationInvitation.created':
    case 'organizationInvitation.accepted':
    case 'organizationInvitation.revoked': {
      const parsed = invitation.parse(data);
      const publicData = parsed.public_organization_data;
      return {
        svixId,
        type,
        invitation: {
          clerkId: parsed.id,
          organization: { clerkId: parsed.organization_id, name: publicData?.name ?? null, slug: publicData?.slug ?? null, imageUrl: publicData?.image_url ?? null },
          email: parsed.email_address,
          role: mapClerkRole(parsed.role, roleMap),
          status: type === 'organizationInvitation.created' ? (parsed.status ?? 'pending') : invitationStatus[type],
          expiresAt: parsed.expires_at ?? null,
          createdAt: parsed.created_at ?? parsed.updated_at,
          updatedAt: parsed.updated_at,
        },
      };
    }
    default:
      return null;
  }
}
