import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import { ForbiddenError } from '../errors.js';
import { randomToken, sha256Hex } from '../lib/tokens.js';
import type { Services } from '../http/services.js';
import type { WriteContext } from '../data/provider.js';
import { userOf } from '../access/context.js';

export const SESSION_COOKIE = 'fp_session';
export const CSRF_HEADER = 'x-csrf-token';
/** Sessions end after this long without use (sliding expiry). */
export const SESSION_IDLE_MS = 14 * 24 * 60 * 60 * 1000;

const secureCookies = (config: Config) => config.publicUrl.startsWith('https://');

export function requestContext(req: Request, actor: WriteContext['actor']): WriteContext {
  return { actor, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

/** The write context of the signed-in user making this request. */
export function actingUser(req: Request, res: Response): WriteContext {
  return requestContext(req, { type: 'user', userId: userOf(res).userId });
}

/**
 * The CSRF token of a session, derived from its cookie so that a reloaded page can be given it again
 * without storing it: HMAC(ENCRYPTION_KEY, session token).
 */
export function csrfTokenFor(services: Services, sessionToken: string): string {
  return services.secretBox.mac(`csrf:${sessionToken}`);
}

/** Signs the user in on this response: a new session, its cookie, and the CSRF token the UI sends back. */
export async function startSession(services: Services, req: Request, res: Response, userId: string): Promise<{ csrfToken: string }> {
  const token = randomToken();
  const csrfToken = csrfTokenFor(services, token);
  const expiresAt = new Date(Date.now() + SESSION_IDLE_MS);
  await services.provider.sessions.create(requestContext(req, { type: 'user', userId }), {
    userId,
    tokenHash: sha256Hex(token),
    expiresAt,
  });
  setSessionCookie(services, res, token);
  return { csrfToken };
}

/** (Re)sends the session cookie with a full idle period: the browser's copy slides with the database's. */
export function setSessionCookie(services: Services, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: secureCookies(services.config), path: '/', maxAge: SESSION_IDLE_MS });
}

export function clearSessionCookie(services: Services, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: secureCookies(services.config), path: '/' });
}

export function sessionToken(req: Request): string | undefined {
  const token = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF, part one: a state-changing request from a browser must come from our own origin (the
 * public URL, the address the request was sent to, or a configured CORS origin).
 */
export function assertSameOrigin(req: Request, config: Config): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.get('origin') ?? (req.get('referer') ? safeOrigin(req.get('referer')!) : undefined);
  if (!origin) return; // Not a browser (browsers always send Origin on cross-site POSTs); the token check still applies.
  const allowed = new Set([new URL(config.publicUrl).origin, ...config.corsOrigins]);
  // The address the request was sent to counts only on this machine (localhost vs 127.0.0.1): trusting
  // any Host header would let a DNS-rebinding page pass for us.
  const sentTo = `${req.protocol}://${req.get('host')}`;
  if (isLoopback(req.hostname)) allowed.add(sentTo);
  if (!allowed.has(origin)) throw new ForbiddenError(`Requests from ${origin} are not allowed; set PUBLIC_URL to the address users open`, 'origin_not_allowed');
}

/** CSRF, part two: the session's token must come back in the X-CSRF-Token header. */
export function assertCsrfToken(req: Request, expectedToken: string): void {
  if (SAFE_METHODS.has(req.method)) return;
  const sent = req.get(CSRF_HEADER);
  const expected = Buffer.from(sha256Hex(expectedToken), 'utf8');
  const actual = Buffer.from(sha256Hex(sent ?? ''), 'utf8');
  if (!sent || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new ForbiddenError('Missing or wrong CSRF token: reload the page and try again', 'csrf_failed');
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]' || hostname === '::1';
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
