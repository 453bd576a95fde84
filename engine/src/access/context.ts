import type { Response } from 'express';
import { UnauthorizedError } from '../errors.js';
import type { MemberRole } from '../data/provider.js';

/** Who the request acts for, set by the authenticators; handlers read it with `authOf(res)`. */
export type AuthContext =
  | {
      kind: 'user';
      userId: string;
      /** Our session id (local accounts); null with Clerk, whose sessions live at Clerk. */
      sessionId: string | null;
      /** Set when the route has an organization in its path: the caller's role there. */
      organizationId: string | null;
      role: MemberRole | null;
    }
  | { kind: 'apiKey'; apiKeyId: string; projectId: string; organizationId: string };

export function authOf(res: Response): AuthContext {
  const auth = res.locals.auth as AuthContext | undefined;
  if (!auth) throw new UnauthorizedError();
  return auth;
}

export function userOf(res: Response): Extract<AuthContext, { kind: 'user' }> {
  const auth = authOf(res);
  if (auth.kind !== 'user') throw new UnauthorizedError('This route needs a signed-in user');
  return auth;
}

export function apiKeyOf(res: Response): Extract<AuthContext, { kind: 'apiKey' }> {
  const auth = authOf(res);
  if (auth.kind !== 'apiKey') throw new UnauthorizedError('This route needs a project API key');
  return auth;
}
