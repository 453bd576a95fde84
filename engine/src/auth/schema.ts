import { z } from 'zod';
import { passwordSchema } from './passwords.js';
import { displayName, email, text } from '../http/fields.js';


export const setupBody = z.strictObject({
  email,
  password: passwordSchema,
  name: displayName.optional(),
  organizationName: displayName,
  projectName: displayName.default('Default project'),
});

export const signInBody = z.strictObject({
  email: text(320).transform((value) => value.trim().toLowerCase()).pipe(z.string().min(1, 'required')),
  password: z.string().min(1, 'required').max(256),
});

export const changePasswordBody = z.strictObject({ currentPassword: z.string().min(1, 'required').max(256), newPassword: passwordSchema });

export const resetPasswordBody = z.strictObject({ token: z.string().min(20).max(200), newPassword: passwordSchema });

export const sessionIdParams = z.object({ sessionId: z.uuid() });

export const userView = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
});

export const organizationSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  role: z.enum(['owner', 'admin', 'member', 'viewer']),
});

export const authState = z.object({
  authProvider: z.enum(['local', 'clerk']),
  setupRequired: z.boolean(),
  user: userView.nullable(),
  organizations: z.array(organizationSummary),
  /** Clerk: the organization active in the session token (the dashboard opens it). */
  activeOrganizationId: z.uuid().nullable(),
  /** Send back in X-CSRF-Token with every state-changing request (local accounts). */
  csrfToken: z.string().nullable(),
});

export const sessionView = z.object({
  id: z.uuid(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.date(),
  lastSeenAt: z.date(),
  expiresAt: z.date(),
  current: z.boolean(),
});

