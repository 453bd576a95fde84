import type { Request, Response } from 'express';
import type { z } from 'zod';
import { requestContext, startSession } from '../auth/session-cookie.js';
import { hashPassword } from '../auth/passwords.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { Services } from '../http/services.js';
import { randomToken, sha256Hex } from '../lib/tokens.js';
import type { MemberRole } from '../data/provider.js';
import { outranksEverywhere } from '../access/permissions.js';
import type { acceptInvitationBody, createInvitationBody } from './schema.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const RESET_LINK_MS = DAY_MS;

/** With Clerk, organizations, members and invitations are managed in Clerk's components; ours mirror them. */
export function assertManagedHere(services: Services): void {
  if (services.config.auth.provider === 'clerk') {
    throw new ConflictError('Organizations and members are managed in Clerk on this instance', 'managed_by_clerk');
  }
}

export async function inviteMember(services: Services, req: Request, organizationId: string, actorUserId: string, input: z.infer<typeof createInvitationBody>) {
  assertManagedHere(services);
  const token = randomToken();
  const invitation = await services.provider.invitations.create(requestContext(req, { type: 'user', userId: actorUserId }), organizationId, {
    email: input.email,
    role: input.role,
    tokenHash: sha256Hex(token),
    expiresAt: new Date(Date.now() + input.expiresInDays * DAY_MS),
  });
  return { invitation, url: `${services.config.publicUrl}/invite/${token}` };
}

export async function previewInvitation(services: Services, token: string) {
  const invitation = await services.provider.invitations.findByToken(sha256Hex(token));
  if (!invitation) throw new NotFoundError('Invitation', 'invitation_not_found');
  const accountExists = (await services.provider.users.findByEmail(invitation.email)) !== null;
  const { organizationName, email, role, status, expiresAt } = invitation;
  return { organizationName, email, role, status, expiresAt, accountExists };
}

/**
 * Accepting: a signed-in user whose email is the invited one joins; someone without an account
 * creates it here with the invited email, and is signed in.
 */
export async function acceptInvitation(services: Services, req: Request, res: Response, token: string, input: z.infer<typeof acceptInvitationBody>) {
  assertManagedHere(services);
  const { provider } = services;
  const tokenHash = sha256Hex(token);
  const invitation = await provider.invitations.findByToken(tokenHash);
  if (!invitation) throw new NotFoundError('Invitation', 'invitation_not_found');
  if (invitation.status === 'expired') throw new AppError(410, 'invitation_expired', 'This invitation has expired; ask for a new one');
  if (invitation.status !== 'pending') throw new ConflictError(`This invitation was ${invitation.status === 'accepted' ? 'already used' : 'withdrawn'}`, `invitation_${invitation.status === 'accepted' ? 'used' : 'revoked'}`);
  const identity = await services.identify(req, res);
  const context = requestContext(req, { type: 'system' });
  let joined: { organizationId: string; role: MemberRole; userId: string };
  if (identity) {
    const user = await provider.users.get(identity.userId);
    if (user?.email !== invitation.email) {
      throw new ForbiddenError(`This invitation is for ${invitation.email}; sign in with that account to accept it`, 'invitation_for_other_email');
    }
    joined = await provider.invitations.accept(context, tokenHash, { userId: identity.userId });
  } else {
    if (await provider.users.findByEmail(invitation.email)) throw new ConflictError(`Sign in as ${invitation.email} to accept`, 'sign_in_to_accept');
    if (!input.password) throw new ValidationError('Choose a password for your new account', [{ path: 'body.password', message: 'required' }]);
    const [firstName, ...rest] = (input.name ?? '').split(' ');
    joined = await provider.invitations.accept(context, tokenHash, {
      newUser: { email: invitation.email, firstName: firstName || null, lastName: rest.join(' ') || null, passwordHash: await hashPassword(input.password) },
    });
  }
  const csrfToken = identity ? null : (await startSession(services, req, res, joined.userId)).csrfToken;
  const { organizationId, role } = joined;
  return { organizationId, role, csrfToken };
}

/**
 * A reset link hands its holder the account, so the issuer must outrank the member in every
 * organization the member belongs to — not only in this one (else an admin here could take over an
 * organization where the member is owner).
 */
async function assertMayResetPassword(services: Services, actorUserId: string, userId: string): Promise<void> {
  if (actorUserId === userId) throw new ForbiddenError('Change your own password in your profile', 'own_account');
  const memberships = (await services.provider.orgs.listForUser(userId)).map(({ id, role }) => ({ organizationId: id, role }));
  const issuerRoles = new Map((await services.provider.orgs.listForUser(actorUserId)).map(({ id, role }) => [id, role]));
  if (!outranksEverywhere(memberships, (organizationId) => issuerRoles.get(organizationId))) {
    throw new ForbiddenError(
      'This member also belongs to an organization where you do not outrank them; ask an owner there to issue the link',
      'reset_not_allowed',
    );
  }
}

export async function issueResetLink(services: Services, req: Request, organizationId: string, actorUserId: string, userId: string) {
  assertManagedHere(services);
  if (!(await services.provider.orgs.getRole(organizationId, userId))) throw new NotFoundError('Member', 'member_not_found');
  await assertMayResetPassword(services, actorUserId, userId);
  const token = randomToken();
  const expiresAt = new Date(Date.now() + RESET_LINK_MS);
  await services.provider.passwordResets.create(requestContext(req, { type: 'user', userId: actorUserId }), organizationId, userId, {
    tokenHash: sha256Hex(token),
    expiresAt,
  });
  return { url: `${services.config.publicUrl}/reset-password/${token}`, expiresAt };
}
