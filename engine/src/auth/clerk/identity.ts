import type { IdentifyUser } from '../../access/authenticators.js';
import type { Services } from '../../http/services.js';
import { createClerkVerifier } from './verify.js';

/**
 * Clerk mode's answer to "who is signed in": a verified Clerk session token (Authorization bearer or
 * the `__session` cookie). Built once at boot, so a malformed CLERK_JWT_KEY stops the boot.
 * The token's active organization carries the role there; other organizations use the synced membership.
 */
export function clerkIdentity(services: Services): IdentifyUser {
  const { config, provider } = services;
  const verify = createClerkVerifier(
    {
      jwtKey: config.auth.clerk.jwtKey,
      secretKey: config.auth.clerk.secretKey,
      publishableKey: config.auth.clerk.publishableKey,
      authorizedParties: [new URL(config.publicUrl).origin, ...config.corsOrigins],
    },
    provider.clerk,
    config.auth.clerk.roleMap,
  );
  return async (req) => {
    const identity = await verify(req);
    return identity && { userId: identity.userId, sessionId: null, tokenOrganization: identity.organization };
  };
}
