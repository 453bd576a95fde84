import { z } from 'zod';
import { displayName, email } from '../http/fields.js';
import { passwordSchema } from '../auth/passwords.js';

export const role = z.enum(['owner', 'admin', 'member', 'viewer']);
export const orgParams = z.object({ orgId: z.uuid() });
export const memberParams = z.object({ orgId: z.uuid(), userId: z.uuid() });
export const invitationParams = z.object({ orgId: z.uuid(), invitationId: z.uuid() });
export const tokenParams = z.object({ token: z.string().min(20).max(200) });

export const organizationView = z.object({ id: z.uuid(), name: z.string(), slug: z.string(), createdAt: z.date(), role: role.optional() });
export const createOrganizationBody = z.strictObject({ name: displayName });
export const renameOrganizationBody = z.strictObject({ name: displayName });

export const memberView = z.object({
  userId: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  role,
  joinedAt: z.date(),
});
export const changeRoleBody = z.strictObject({ role });

export const invitationView = z.object({
  id: z.uuid(),
  email: z.string(),
  role,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  expiresAt: z.date(),
  acceptedAt: z.date().nullable(),
  createdAt: z.date(),
});
export const createInvitationBody = z.strictObject({
  email,
  role: role.exclude(['owner']).default('member'),
  expiresInDays: z.number().int().min(1).max(30).default(7),
});
export const invitationCreated = z.object({ invitation: invitationView, url: z.url() });
export const invitationPreview = z.object({
  organizationName: z.string(),
  email: z.string(),
  role,
  status: invitationView.shape.status,
  expiresAt: z.date(),
  accountExists: z.boolean(),
});
/** Signed in: nothing. A new account for the invited address: its password (and name). */
export const acceptInvitationBody = z.strictObject({ password: passwordSchema.optional(), name: displayName.optional() });

export const resetLink = z.object({ url: z.url(), expiresAt: z.date() });
