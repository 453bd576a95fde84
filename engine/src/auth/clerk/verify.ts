import { createHash, createPublicKey } from 'node:crypto';
import { verifyToken } from '@clerk/backend';
import { TokenVerificationError, TokenVerificationErrorReason } from '@clerk/backend/errors';
import type { Request } from 'express';
import { z } from 'zod';
import { ServiceUnavailableError, StartupError } from '../../errors.js';
import type { ClerkSyncStore } from '../../data/clerk-sync.js';
import type { MemberRole } from '../../data/provider.js';
import { defaultClerkRoleMap, mapClerkRole, sessionRole, type ClerkRoleMap } from './roles.js';

/** Who a verified Clerk session is, in our ids; `organization` is the session's active organization. */
export interface ClerkIdentity {
  userId: string;
  organization: { organizationId: string; role: MemberRole } | null;
}

export interface ClerkVerifierOptions {
  /** PEM public key (CLERK_JWT_KEY): verification without any network call. */
  jwtKey?: string;
  /** Without jwtKey: Clerk's keys are fetched with it on first use, then cached. */
  secretKey?: string;
  /** Names the suffixed session cookie (`__session_<suffix>`) that newer Clerk front ends set. */
  publishableKey?: string;
  /** Origins allowed in the token's `azp` claim. */
  authorizedParties?: string[];
}

/** Null when the request carries no valid Clerk session (answer 401); throws only when Clerk's keys cannot be had. */
export type ClerkVerifier = (req: Pick<Request, 'headers'> & { method?: string }) => Promise<ClerkIdentity | null>;

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

// Session claims, v1 (`org_id`, `org_role`, `org_slug`) and v2 (`o: { id, rol, slg }`). Custom claims
// (email, names) exist only with a customized session token; a malformed one is dropped, not fatal.
const optionalClaim = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const sessionClaims = z.object({
  sub: z.string().min(1),
  sts: z.string().optional(),
  org_id: optionalClaim(z.string().min(1)),
  org_role: optionalClaim(z.string()),
  org_slug: optionalClaim(z.string()),
  o: optionalClaim(z.object({ id: z.string().min(1), rol: z.string().optional(), slg: z.string().optional() })),
  email: optionalClaim(z.email()),
  first_name: optionalClaim(z.string()),
  last_name: optionalClaim(z.string()),
});
type SessionClaims = z.infer<typeof sessionClaims>;

function activeOrganization(claims: SessionClaims): { id: string; role?: string; slug?: string } | null {
  if (claims.o) return { id: claims.o.id, role: claims.o.rol, slug: claims.o.slg };
  if (claims.org_id) return { id: claims.org_id, role: claims.org_role, slug: claims.org_slug };
  return null;
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of header?.split(';') ?? []) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(separator + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

/** Clerk's cookie suffix: the first 8 characters of base64url(SHA-1(publishable key)), as @clerk/shared computes it. */
function sessionCookieSuffix(publishableKey: string): string {
  return createHash('sha1').update(publishableKey).digest('base64url').slice(0, 8);
}

/** The session token: `Authorization: Bearer …`, else the (suffixed, else plain) `__session` cookie. */
export function sessionTokenOf(req: Pick<Request, 'headers'> & { method?: string }, publishableKey?: string): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (bearer) return bearer[1]!;
  // The cookie rides along on cross-site requests: it authenticates reads only. Changes need the
  // bearer token, which a foreign page cannot read (the CSRF defence of Clerk mode).
  if (!['GET', 'HEAD', 'OPTIONS'].includes((req.method ?? 'GET').toUpperCase())) return null;
  const suffixed = publishableKey ? cookieValue(req.headers.cookie, `__session_${sessionCookieSuffix(publishableKey)}`) : null;
  return suffixed ?? cookieValue(req.headers.cookie, '__session');
}

/** Failures of ours or Clerk's, not of the token: the caller should hear 503, not 401. */
const KEY_UNAVAILABLE: ReadonlySet<string> = new Set([
  TokenVerificationErrorReason.RemoteJWKFailedToLoad,
  TokenVerificationErrorReason.RemoteJWKInvalid,
  TokenVerificationErrorReason.InvalidSecretKey,
  TokenVerificationErrorReason.JWKFailedToResolve,
  TokenVerificationErrorReason.LocalJWKMissing,
]);

function isKeyUnavailable(error: unknown): boolean {
  return !(error instanceof TokenVerificationError) || KEY_UNAVAILABLE.has(error.reason);
}

/** Env files often hold the PEM on one line with literal `\n`s. */
function readJwtKey(jwtKey: string): string {
  const pem = jwtKey.replace(/\\n/g, '\n').trim();
  try {
    if (createPublicKey(pem).asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw new StartupError('CLERK_JWT_KEY: expected the PEM public key from the Clerk dashboard (API keys → JWT public key)');
  }
  return pem;
}

/**
 * Verifies Clerk session tokens with @clerk/backend and maps them onto our users and organizations.
 * Nothing is fetched at creation, so the engine boots without network.
 */
export function createClerkVerifier(options: ClerkVerifierOptions, store: ClerkSyncStore, roleMap: ClerkRoleMap = defaultClerkRoleMap): ClerkVerifier {
  if (!options.jwtKey && !options.secretKey) throw new StartupError('CLERK_SECRET_KEY or CLERK_JWT_KEY is needed to verify Clerk sessions');
  const verifyOptions = {
    ...(options.jwtKey ? { jwtKey: readJwtKey(options.jwtKey) } : { secretKey: options.secretKey }),
    ...(options.authorizedParties?.length ? { authorizedParties: options.authorizedParties } : {}),
  };

  return async (req) => {
    const token = sessionTokenOf(req, options.publishableKey);
    if (!token || !JWT_SHAPE.test(token)) return null;
    let payload: unknown;
    try {
      payload = await verifyToken(token, verifyOptions);
    } catch (error) {
      if (isKeyUnavailable(error)) throw new ServiceUnavailableError('Cannot verify Clerk sessions right now: Clerk signing keys are unavailable', 5, 'clerk_keys_unavailable');
      return null;
    }
    const claims = sessionClaims.safeParse(payload);
    // A pending session still has tasks to finish at Clerk (as Clerk's own SDKs, treat it as signed out).
    if (!claims.success || claims.data.sts === 'pending') return null;

    const user = await store.resolveUser(claims.data.sub, {
      email: claims.data.email,
      firstName: claims.data.first_name,
      lastName: claims.data.last_name,
    });
    // Deleted in Clerk while this token is still valid: signed out.
    if (!user) return null;
    const { userId } = user;
    const active = activeOrganization(claims.data);
    const resolved = active && (await store.resolveOrganization(active.id, { slug: active.slug }, userId));
    // No active organization, or one deleted in Clerk.
    if (!active || !resolved) return { userId, organization: null };
    return { userId, organization: { organizationId: resolved.organizationId, role: sessionRole(mapClerkRole(active.role, roleMap), resolved.syncedRole) } };
  };
}
