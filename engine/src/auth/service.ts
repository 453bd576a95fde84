import type { Request, Response } from 'express';
import { ConflictError, RateLimitedError, UnauthorizedError, ValidationError } from '../errors.js';
import type { Services } from '../http/services.js';
import type { UserIdentity } from '../access/authenticators.js';
import { sha256Hex } from '../lib/tokens.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { clearSessionCookie, csrfTokenFor, requestContext, sessionToken, startSession } from './session-cookie.js';
import type { z } from 'zod';
import type { authState, changePasswordBody, resetPasswordBody, setupBody, signInBody } from './schema.js';

type AuthState = z.infer<typeof authState>;

const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** Attempts per window: per account (whatever the address) and per client address (whatever the account). */
const SIGN_IN_LIMITS = { account: 10, client: 30 };

/**
 * How long a failed sign-in waits before answering: 250 ms, doubling with each failure of the account
 * or of the client address, whichever has more (so guessing many accounts from one address slows down
 * too), at most 4 s. `failures` count the attempts of the window, this one included.
 */
export function signInFailureDelayMs(failures: { account: number; client: number }): number {
  const most = Math.max(1, failures.account, failures.client);
  return Math.min(250 * 2 ** (most - 1), 4_000);
}

function assertLocalAuth(services: Services): void {
  if (services.config.auth.provider !== 'local') {
    throw new ConflictError('Accounts are managed by Clerk on this instance', 'local_auth_disabled');
  }
}

/** What the dashboard needs first: set-up state, the signed-in user, their organizations, a CSRF token. */
export async function describeState(services: Services, req: Request, identity: UserIdentity | null): Promise<AuthState> {
  const { provider, config } = services;
  const user = identity ? await provider.users.get(identity.userId) : null;
  const token = sessionToken(req);
  const organizations = user ? (await provider.orgs.listForUser(user.id)).map(({ id, name, slug, role }) => ({ id, name, slug, role })) : [];
  // Clerk: the token's active organization counts even before its membership webhook has arrived.
  const fromToken = identity?.tokenOrganization;
  if (fromToken && !organizations.some((organization) => organization.id === fromToken.organizationId)) {
    const organization = await provider.orgs.get(fromToken.organizationId);
    if (organization) organizations.push({ id: organization.id, name: organization.name, slug: organization.slug, role: fromToken.role });
  }
  return {
    authProvider: config.auth.provider,
    setupRequired: config.auth.provider === 'local' && (await provider.users.count()) === 0,
    user: user && { id: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName },
    organizations,
    activeOrganizationId: fromToken?.organizationId ?? null,
    csrfToken: user && token && config.auth.provider === 'local' ? csrfTokenFor(services, token) : null,
  };
}

export async function setUp(services: Services, req: Request, res: Response, input: z.infer<typeof setupBody>): Promise<AuthState> {
  assertLocalAuth(services);
  const [firstName, ...rest] = (input.name ?? '').split(' ');
  const { user } = await services.provider.setup.bootstrap(requestContext(req, { type: 'system' }), {
    email: input.email,
    passwordHash: await hashPassword(input.password),
    firstName: firstName || null,
    lastName: rest.join(' ') || null,
    organizationName: input.organizationName,
    projectName: input.projectName,
  });
  const { csrfToken } = await startSession(services, req, res, user.id);
  return { ...(await describeState(services, req, { userId: user.id, sessionId: null, tokenOrganization: null })), csrfToken };
}

/**
 * Email and password. Limited per account and per client address; each failure answers more slowly
 * than the last; the error never says whether the email exists.
 */
export async function signIn(services: Services, req: Request, res: Response, input: z.infer<typeof signInBody>): Promise<AuthState> {
  assertLocalAuth(services);
  const { provider } = services;
  const accountKey = `sign-in:account:${sha256Hex(input.email)}`;
  const clientKey = `sign-in:client:${req.ip ?? 'unknown'}`;
  const rule = (limit: number) => ({ limit, windowSeconds: SIGN_IN_WINDOW_SECONDS });
  // Every attempt counts, atomically, before the password is checked (parallel guesses cannot slip
  // past the limit). A success resets the account's count and takes its hit back from the address,
  // so many people signing in from one office address are not locked out.
  const [account, client] = await Promise.all([
    provider.rateLimits.hit(accountKey, rule(SIGN_IN_LIMITS.account)),
    provider.rateLimits.hit(clientKey, rule(SIGN_IN_LIMITS.client)),
  ]);
  const refused = [account, client].find((result) => !result.allowed);
  if (refused) {
    const retryAfter = Math.max(1, Math.ceil((refused.resetAt.getTime() - Date.now()) / 1000));
    throw new RateLimitedError(retryAfter, `Too many sign-in attempts; try again in ${Math.ceil(retryAfter / 60)} minutes`);
  }
  const user = await provider.users.findByEmail(input.email);
  const valid = await verifyPassword(user ? await provider.users.getPasswordHash(user.id) : null, input.password);
  if (!user || !valid) {
    // A success takes its hit back from the address, so the address's count is of failures (and attempts in flight).
    const failures = { account: SIGN_IN_LIMITS.account - account.remaining, client: SIGN_IN_LIMITS.client - client.remaining };
    // A known account's failures show in its organizations' audit logs; an unknown address stays instance-level.
    await provider.audit.recordForUser(requestContext(req, { type: 'system' }), user?.id ?? null, {
      action: 'auth.sign_in_failed',
      targetType: 'user',
      ...(user && { targetId: user.id }),
      summary: `failed sign-in for ${input.email.slice(0, 320)}`,
    });
    await new Promise((resolve) => setTimeout(resolve, signInFailureDelayMs(failures)));
    throw new UnauthorizedError('Wrong email or password', 'invalid_credentials');
  }
  await Promise.all([provider.rateLimits.reset(accountKey), provider.rateLimits.refund(clientKey)]);
  const { csrfToken } = await startSession(services, req, res, user.id);
  return { ...(await describeState(services, req, { userId: user.id, sessionId: null, tokenOrganization: null })), csrfToken };
}

export async function signOut(services: Services, req: Request, res: Response, userId: string, sessionId: string | null): Promise<void> {
  if (sessionId) await services.provider.sessions.revoke(requestContext(req, { type: 'user', userId }), userId, sessionId);
  clearSessionCookie(services, res);
}

export async function changePassword(services: Services, req: Request, userId: string, sessionId: string | null, input: z.infer<typeof changePasswordBody>): Promise<void> {
  assertLocalAuth(services);
  const { provider } = services;
  if (!(await verifyPassword(await provider.users.getPasswordHash(userId), input.currentPassword))) {
    throw new ValidationError('The current password is wrong', [{ path: 'body.currentPassword', message: 'wrong password' }], 'wrong_password');
  }
  await provider.users.changePassword(requestContext(req, { type: 'user', userId }), userId, await hashPassword(input.newPassword), sessionId);
}

export async function resetPassword(services: Services, req: Request, input: z.infer<typeof resetPasswordBody>): Promise<void> {
  assertLocalAuth(services);
  const { ip, userAgent } = requestContext(req, { type: 'system' });
  await services.provider.passwordResets.consume({ ip, userAgent }, sha256Hex(input.token), await hashPassword(input.newPassword));
}
