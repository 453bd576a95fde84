import { z } from 'zod';
import { passwordSchema } from './passwords.js';

const displayName = z.string().trim().min(1, 'required').max(100, 'use at most 100 characters');
const email = z.string().trim().toLowerCase().pipe(z.email('expected an email address')).pipe(z.string().max(320));

export const setupBody = z.strictObject({
  email,
  password: passwordSchema,
  name: displayName.optional(),
  organizationName: displayName,
  projectName: displayName.default('Default project'),
});

export const signInBody = z.strictObject({
  email: z.string().trim().toLowerCase().min(1, 'required').max(320),
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

export { displayName, email };
