import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.js';
import type { MemberRole } from '../data/provider.js';
import type { AnyRouteDefinition, AuthKind } from '../http/registry.js';
import type { Authenticator } from '../http/router.js';
import type { Services } from '../http/services.js';
import { sha256Hex } from '../lib/tokens.js';
import { assertCsrfToken, csrfTokenFor, SESSION_IDLE_MS, sessionToken, setSessionCookie } from '../auth/session-cookie.js';
import type { AuthContext } from './context.js';
import { allows, isPermission, permissionMatrix, type Permission } from './permissions.js';

/** Who a dashboard request comes from: a local session, or (in Clerk mode) a verified Clerk token. */
export interface UserIdentity {
  userId: string;
  sessionId: string | null;
  /** Clerk mode: the active organization and role carried by the token. */
  tokenOrganization: { organizationId: string; role: MemberRole } | null;
}

export type IdentifyUser = (req: Request, res: Response) => Promise<UserIdentity | null>;

/** Local accounts: the session cookie, checked against the database, with its CSRF token. */
export function localIdentity(services: Services): IdentifyUser {
  return async (req, res) => {
    const token = sessionToken(req);
    if (!token) return null;
    const session = await services.provider.sessions.find(sha256Hex(token));
    if (!session) return null;
    assertCsrfToken(req, csrfTokenFor(services, token));
    if (await services.provider.sessions.touch(session.id, new Date(Date.now() + SESSION_IDLE_MS))) setSessionCookie(services, res, token);
    return { userId: session.userId, sessionId: session.id, tokenOrganization: null };
  };
}

const uuid = z.uuid();

/** Wraps an async middleware so a thrown error reaches the error handler. */
const guard =
  (run: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    run(req, res).then(() => next(), next);
  };

/**
 * The session authenticator: identifies the user, then — for routes under an organization
 * (`:orgId` in the path) — resolves their role there and checks the route's permission against the
 * matrix. Not a member: 404, as if the organization did not exist. A member without the permission: 403.
 */
function sessionAuthenticator(services: Services, identify: IdentifyUser): Authenticator {
  return (route: AnyRouteDefinition) => {
    const permission = route.permission;
    if (!permission || !isPermission(permission)) throw new Error(`Route ${route.method} ${route.path} declares an unknown permission "${permission}"`);
    const scoped = route.path.includes(':orgId');
    if (!scoped && permission !== 'self') throw new Error(`Route ${route.method} ${route.path} needs :orgId in its path for "${permission}"`);
    return guard(async (req, res) => {
      const identity = await identify(req, res);
      if (!identity) throw new UnauthorizedError('Sign in to continue', 'sign_in_required');
      let auth: AuthContext = { kind: 'user', userId: identity.userId, sessionId: identity.sessionId, organizationId: null, role: null };
      if (scoped) {
        const organizationId = String(req.params.orgId);
        const role = uuid.safeParse(organizationId).success ? await roleIn(services, identity, organizationId) : null;
        if (!role) throw new NotFoundError('Organization', 'organization_not_found');
        if (!allows(role, permission as Permission)) {
          throw new ForbiddenError(`Your role (${role}) cannot do this; it needs ${permissionMatrix[permission as Permission]} or higher`, 'insufficient_role');
        }
        auth = { ...auth, organizationId, role };
      }
      res.locals.auth = auth;
    });
  };
}

async function roleIn(services: Services, identity: UserIdentity, organizationId: string): Promise<MemberRole | null> {
  if (identity.tokenOrganization?.organizationId === organizationId) return identity.tokenOrganization.role;
  return services.provider.orgs.getRole(organizationId, identity.userId);
}

/** The API-key authenticator (see ApiKeyCache.authenticate). */
function apiKeyAuthenticator(services: Services): Authenticator {
  return () =>
    guard(async (req, res) => {
      const check = await services.apiKeyCache.authenticate(req.headers, (error) => services.logger.warn({ err: error }, 'Recording API key use failed'));
      if (!check.ok) throw new UnauthorizedError(check.message, check.code);
      const { key } = check;
      res.locals.auth = { kind: 'apiKey', apiKeyId: key.id, projectId: key.projectId, organizationId: key.organizationId } satisfies AuthContext;
    });
}

export function createAuthenticators(services: Services, identify: IdentifyUser): Partial<Record<AuthKind, Authenticator>> {
  return { session: sessionAuthenticator(services, identify), apiKey: apiKeyAuthenticator(services) };
}
