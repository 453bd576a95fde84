import { z } from 'zod';
import { userOf } from '../access/context.js';
import { defineRoute, Reply, type AnyRouteDefinition } from '../http/registry.js';
import { requestContext } from './session-cookie.js';
import { authState, changePasswordBody, resetPasswordBody, sessionIdParams, sessionView, setupBody, signInBody } from './schema.js';
import { changePassword, describeState, resetPassword, setUp, signIn, signOut } from './service.js';

const tags = ['auth'];
const ok = z.object({ ok: z.literal(true) });

/** Sign-in, first-run setup, sessions and passwords (local accounts; Clerk mode answers with `local_auth_disabled`). */
export function authRoutes(): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/dashboard/auth/state',
      surface: 'dashboard',
      auth: 'public',
      summary: 'Whether set-up is needed, who is signed in, their organizations and CSRF token',
      tags,
      responses: { 200: { description: 'The state', schema: authState } },
      handler: async (_input, { req, res, services }) => describeState(services, req, await services.identify(req, res)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/auth/setup',
      surface: 'dashboard',
      auth: 'public',
      summary: 'First run: create the owner, the first organization and a default project, and sign in',
      tags,
      request: { body: setupBody },
      responses: { 201: { description: 'Set up and signed in', schema: authState }, 409: { description: 'Already set up' } },
      handler: async ({ body }, { req, res, services }) => new Reply(201, await setUp(services, req, res, body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/auth/sign-in',
      surface: 'dashboard',
      auth: 'public',
      summary: 'Sign in with email and password',
      tags,
      request: { body: signInBody },
      bodyLimitBytes: 8 * 1024,
      responses: { 200: { description: 'Signed in', schema: authState }, 401: { description: 'Wrong email or password' }, 429: { description: 'Too many attempts' } },
      handler: async ({ body }, { req, res, services }) => signIn(services, req, res, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/auth/sign-out',
      surface: 'dashboard',
      auth: 'session',
      permission: 'self',
      summary: 'Sign out of this session',
      tags,
      responses: { 200: { description: 'Signed out', schema: ok } },
      handler: async (_input, { req, res, services }) => {
        const { userId, sessionId } = userOf(res);
        await signOut(services, req, res, userId, sessionId);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/dashboard/auth/sessions',
      surface: 'dashboard',
      auth: 'session',
      permission: 'self',
      summary: 'Your active sessions',
      tags,
      responses: { 200: { description: 'Sessions, most recently used first', schema: z.object({ sessions: z.array(sessionView) }) } },
      handler: async (_input, { res, services }) => {
        const { userId, sessionId } = userOf(res);
        const sessions = await services.provider.sessions.list(userId);
        return { sessions: sessions.map((session) => ({ ...session, current: session.id === sessionId })) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/dashboard/auth/sessions/:sessionId',
      surface: 'dashboard',
      auth: 'session',
      permission: 'self',
      summary: 'Sign out one of your sessions',
      tags,
      request: { params: sessionIdParams },
      responses: { 200: { description: 'Signed out', schema: ok } },
      handler: async ({ params }, { req, res, services }) => {
        const { userId } = userOf(res);
        await services.provider.sessions.revoke(requestContext(req, { type: 'user', userId }), userId, params.sessionId);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/auth/sessions/sign-out-others',
      surface: 'dashboard',
      auth: 'session',
      permission: 'self',
      summary: 'Sign out every other session',
      tags,
      responses: { 200: { description: 'How many sessions ended', schema: z.object({ signedOut: z.number().int() }) } },
      handler: async (_input, { req, res, services }) => {
        const { userId, sessionId } = userOf(res);
        return { signedOut: await services.provider.sessions.revokeOthers(requestContext(req, { type: 'user', userId }), userId, sessionId) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/auth/password',
      surface: 'dashboard',
      auth: 'session',
      permission: 'self',
      summary: 'Change your password (other sessions are signed out)',
      tags,
      request: { body: changePasswordBody },
      responses: { 200: { description: 'Changed', schema: ok } },
      handler: async ({ body }, { req, res, services }) => {
        const { userId, sessionId } = userOf(res);
        await changePassword(services, req, userId, sessionId, body);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/dashboard/auth/password-reset',
      surface: 'dashboard',
      auth: 'public',
      summary: 'Set a new password with a one-time reset link an admin issued',
      tags,
      request: { body: resetPasswordBody },
      responses: { 200: { description: 'Password set; sign in with it', schema: ok } },
      handler: async ({ body }, { req, services }) => {
        await resetPassword(services, req, body);
        return { ok: true as const };
      },
    }),
  ];
}
