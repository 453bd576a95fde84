/** The engine's error body: `{ error: { code, message, details } }`. */
interface EngineErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Every failed API call surfaces as one of these, so pages handle errors one way. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; 0 when the engine could not be reached at all. */
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

function isEngineErrorBody(body: unknown): body is EngineErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// The session's CSRF token (from `GET /api/dashboard/auth/state`). Kept in memory only: a reload
// fetches the state again and gets the token back.
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

// Clerk mode: the session token for `Authorization: Bearer` (Clerk refreshes it; ask every time).
let authToken: (() => Promise<string | null>) | null = null;

export function setAuthTokenProvider(provider: (() => Promise<string | null>) | null): void {
  authToken = provider;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Calls the engine's API (same origin) and returns the parsed JSON body.
 * Throws ApiError for network failures, non-2xx responses and non-JSON success bodies.
 * Every state-changing request carries the session's CSRF token.
 */
export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await engineRequest(path, init, 'application/json');
  const body = await readJson(response);
  if (body === undefined && response.status !== 204) {
    throw new ApiError('INVALID_RESPONSE', 'The engine sent a response that is not JSON', response.status);
  }
  return body as T;
}

/**
 * POSTs a JSON body to a route answering server-sent events and hands each event's `data` JSON to
 * `onEvent` as it arrives; resolves when the stream ends. Errors before the stream starts throw ApiError.
 */
export async function apiStream(path: string, body: unknown, onEvent: (data: unknown) => void, signal?: AbortSignal): Promise<void> {
  const response = await engineRequest(path, { method: 'POST', body: JSON.stringify(body), signal }, 'text/event-stream');
  if (!response.body) throw new ApiError('INVALID_RESPONSE', 'The engine sent no event stream', response.status);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    const events = buffered.split('\n\n');
    buffered = events.pop() ?? '';
    for (const event of events) {
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n');
      if (data && data !== '[DONE]') onEvent(JSON.parse(data));
    }
  }
}

/** One request to the engine with the session's headers; a non-2xx answer throws its ApiError. */
async function engineRequest(path: string, init: RequestInit, accept: string): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Accept', accept);
  if (init.body !== undefined && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json');
  }
  if (!SAFE_METHODS.has((init.method ?? 'GET').toUpperCase()) && csrfToken !== null) {
    headers.set('X-CSRF-Token', csrfToken);
  }
  const token = authToken ? await authToken().catch(() => null) : null;
  if (token) headers.set('Authorization', `Bearer ${token}`);

  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch (cause) {
    // A cancelled request (e.g. react-query dropping a stale query) is not an engine failure.
    if (init.signal?.aborted) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ApiError('NETWORK_ERROR', `Could not reach the engine: ${reason}`, 0);
  }
  if (response.ok) return response;
  const body = await readJson(response);
  if (isEngineErrorBody(body)) {
    throw new ApiError(body.error.code, body.error.message, response.status, body.error.details);
  }
  throw new ApiError('HTTP_ERROR', `Request failed with status ${response.status}`, response.status);
}

/** A state-changing call with a JSON body: `apiSend('POST', '/api/…', { name })`. */
export function apiSend<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return apiFetch<T>(path, { method, ...(body !== undefined && { body: JSON.stringify(body) }) });
}

interface FieldIssue {
  path: string;
  message: string;
}

/** The field issues of a validation error (`details.issues`), empty for anything else. */
export function issuesOf(error: unknown): FieldIssue[] {
  if (!(error instanceof ApiError)) return [];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is FieldIssue =>
      typeof issue === 'object' && issue !== null && typeof issue.path === 'string' && typeof issue.message === 'string',
  );
}

/** The issue path without its request part: `body.email` → `email`. */
export function fieldOf(issue: FieldIssue): string {
  return issue.path.replace(/^(body|query|params)\./, '');
}

/** One message per field (the first), keyed as the form names its fields: `{ email: 'expected an email address' }`. */
export function fieldErrors(error: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issuesOf(error)) errors[fieldOf(issue)] ??= issue.message;
  return errors;
}

/** Seconds to wait after a 429 (`details.retryAfter`), or null. */
export function retryAfterOf(error: unknown): number | null {
  if (!(error instanceof ApiError) || error.status !== 429) return null;
  const retryAfter = (error.details as { retryAfter?: unknown } | undefined)?.retryAfter;
  return typeof retryAfter === 'number' ? retryAfter : null;
}
