import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.js';
import type { MemberRole } from '../data/provider.js';
import type { AnyRouteDefinition, AuthKind } from '../http/registry.js';
import type { Authenticator } from '../http/router.js';
import type { Services } from '../http/services.js';
import { sha256Hex } from '../lib/tokens.js';
import { assertCsrfToken, csrfTokenFor, SESSION_IDLE_MS, sessionToken, setSessionCookie } from '../auth/session-cookie.js';
import { presentsProjectKey } from './api-key-cache.js';
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

/** The route's permission, checked once when it is mounted. */
function permissionOf(route: AnyRouteDefinition): Permission {
  const permission = route.permission;
  if (!permission || !isPermission(permission)) throw new Error(`Route ${route.method} ${route.path} declares an unknown permission "${permission}"`);
  return permission;
}

async function roleIn(services: Services, identity: UserIdentity, organizationId: string): Promise<MemberRole | null> {
  if (identity.tokenOrganization?.organizationId === organizationId) return identity.tokenOrganization.role;
  return services.provider.orgs.getRole(organizationId, identity.userId);
}

/** The user as a member of the organization, with the permission. Not a member: 404, as if it did not exist. A member without it: 403. */
async function memberContext(services: Services, identity: UserIdentity, organizationId: string, permission: Permission): Promise<AuthContext> {
  const role = uuid.safeParse(organizationId).success ? await roleIn(services, identity, organizationId) : null;
  if (!role) throw new NotFoundError('Organization', 'organization_not_found');
  if (!allows(role, permission)) {
    throw new ForbiddenError(`Your role (${role}) cannot do this; it needs ${permissionMatrix[permission]} or higher`, 'insufficient_role');
  }
  return { kind: 'user', userId: identity.userId, sessionId: identity.sessionId, organizationId, role };
}

/**
 * The session authenticator: identifies the user, then — for routes under an organization
 * (`:orgId` in the path) — resolves their role there and checks the route's permission against the
 * matrix (see memberContext).
 */
function sessionAuthenticator(services: Services, identify: IdentifyUser): Authenticator {
  return (route: AnyRouteDefinition) => {
    const permission = permissionOf(route);
    const scoped = route.path.includes(':orgId');
    if (!scoped && permission !== 'self') throw new Error(`Route ${route.method} ${route.path} needs :orgId in its path for "${permission}"`);
    return guard(async (req, res) => {
      const identity = await identify(req, res);
      if (!identity) throw new UnauthorizedError('Sign in to continue', 'sign_in_required');
      res.locals.auth = scoped
        ? await memberContext(services, identity, String(req.params.orgId), permission)
        : ({ kind: 'user', userId: identity.userId, sessionId: identity.sessionId, organizationId: null, role: null } satisfies AuthContext);
    });
  };
}

/** The organization a session acts in without one in the path: the body's `organizationId`, else the Clerk token's, else the user's only one. */
async function namedOrganization(services: Services, identity: UserIdentity, req: Request): Promise<string> {
  const named = (req.body as { organizationId?: unknown } | undefined)?.organizationId;
  if (typeof named === 'string') return named;
  if (identity.tokenOrganization) return identity.tokenOrganization.organizationId;
  const organizations = await services.provider.orgs.listForUser(identity.userId);
  if (organizations.length === 1) return organizations[0]!.id;
  if (organizations.length === 0) throw new NotFoundError('Organization', 'organization_not_found');
  throw new ValidationError('You belong to several organizations: name one in organizationId', [{ path: 'body.organizationId', message: 'required' }]);
}

/**
 * A project API key when one is presented (X-API-Key, or a Bearer token shaped like our keys, so that
 * a Clerk token still reads as a session), else a session with the route's permission in the
 * organization it names (see namedOrganization). Neither: 401.
 */
function apiKeyOrSessionAuthenticator(services: Services, identify: IdentifyUser, byApiKey: Authenticator): Authenticator {
  return (route: AnyRouteDefinition) => {
    const permission = permissionOf(route);
    const withKey = byApiKey(route);
    const withSession = guard(async (req, res) => {
      const identity = await identify(req, res);
      if (!identity) throw new UnauthorizedError('Send a project API key (X-API-Key) or sign in', 'unauthorized');
      res.locals.auth = await memberContext(services, identity, await namedOrganization(services, identity, req), permission);
    });
    return (req, res, next) => (presentsProjectKey(req.headers) ? withKey : withSession)(req, res, next);
  };
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
  const apiKey = apiKeyAuthenticator(services);
  return { session: sessionAuthenticator(services, identify), apiKey, apiKeyOrSession: apiKeyOrSessionAuthenticator(services, identify, apiKey) };
}
