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

/**
 * Calls the engine's API (same origin) and returns the parsed JSON body.
 * Throws ApiError for network failures, non-2xx responses and non-JSON success bodies.
 */
export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (init.body !== undefined && !headers.has('Content-Type')) {
    headers.set('Content-Type', 'application/json');
  }

  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch (cause) {
    // A cancelled request (e.g. react-query dropping a stale query) is not an engine failure.
    if (init.signal?.aborted) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ApiError('NETWORK_ERROR', `Could not reach the engine: ${reason}`, 0);
  }

  const body = await readJson(response);
  if (!response.ok) {
    if (isEngineErrorBody(body)) {
      throw new ApiError(body.error.code, body.error.message, response.status, body.error.details);
    }
    throw new ApiError('HTTP_ERROR', `Request failed with status ${response.status}`, response.status);
  }
  if (body === undefined && response.status !== 204) {
    throw new ApiError('INVALID_RESPONSE', 'The engine sent a response that is not JSON', response.status);
  }
  return body as T;
}
