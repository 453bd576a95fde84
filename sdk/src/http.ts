import type { ResolvedOptions } from './config.js';
import { APIConnectionError, APIError, APITimeoutError, AuthenticationError, errorForStatus } from './errors.js';

/**
 * The one HTTP helper of the SDK (modelled on openai-node's core): API-key header, a timeout per
 * attempt (covering the body too), retries of connection errors, 408, 429 and 5xx with exponential
 * backoff and jitter that honour Retry-After, and typed errors for everything else.
 */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH';
  /** From the engine's root, e.g. `/api/v1/prompts/greeting`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** A body already serialised as JSON (the tracing queue builds batches from serialised events). */
  rawBody?: string;
  /** Sent as If-None-Match: a 304 comes back as `{ status: 304, data: undefined }`. */
  etag?: string | undefined;
  /** Makes a retried POST safe: the engine answers a repeat with the first response. */
  idempotencyKey?: string;
  maxRetries?: number;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

export interface ApiResponse<T> {
  status: number;
  /** Undefined for 304 Not Modified. */
  data: T | undefined;
  etag: string | undefined;
  requestId: string | undefined;
}

const RETRYABLE_STATUS = new Set([408, 429]);
const INITIAL_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 8_000;
/** A Retry-After longer than this is not waited for inside one call (openai-node does the same). */
const MAX_RETRY_AFTER_MS = 60_000;

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Retry-After (seconds or an HTTP date) or retry-after-ms, in milliseconds. */
export function retryAfterMs(headers: Headers): number | undefined {
  const milliseconds = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff 0.5 s × 2ⁿ capped at 8 s, less up to 25 % jitter; the server's Retry-After when sane. */
export function retryDelayMs(retriesSoFar: number, serverDelayMs: number | undefined): number {
  if (serverDelayMs !== undefined && serverDelayMs <= MAX_RETRY_AFTER_MS) return serverDelayMs;
  const delay = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retriesSoFar, MAX_RETRY_DELAY_MS);
  return delay * (1 - Math.random() * 0.25);
}

interface ErrorBody {
  error?: string | { code?: string; message?: string; details?: unknown };
  code?: string;
  message?: string;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The engine's `{ error: { code, message, details } }` (or the original API's `{ error, code }`) as a typed error. */
function errorFromResponse(response: Response, text: string, requestId: string | undefined): APIError {
  const body = (parseJson(text) ?? {}) as ErrorBody;
  const detail = typeof body.error === 'object' && body.error !== null ? body.error : { message: body.error ?? body.message, code: body.code };
  const serverCode = 'code' in detail ? detail.code : undefined;
  const message = (typeof detail.message === 'string' && detail.message) || `ForPrompt answered HTTP ${response.status}`;
  const delay = response.status === 429 ? retryAfterMs(response.headers) : undefined;
  return errorForStatus(
    response.status,
    message,
    { code: serverCode?.toUpperCase(), requestId, details: 'details' in detail ? detail.details : undefined },
    delay === undefined ? undefined : Math.ceil(delay / 1000),
  );
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function isRetryable(error: APIError): boolean {
  if (error.code === 'ABORTED') return false;
  if (error instanceof APIConnectionError) return true;
  return error.status !== undefined && (RETRYABLE_STATUS.has(error.status) || error.status >= 500);
}

export class HttpClient {
  constructor(private readonly options: ResolvedOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async request<T>(spec: RequestSpec): Promise<ApiResponse<T>> {
    const { apiKey } = this.options;
    if (!apiKey) {
      throw new AuthenticationError('No ForPrompt API key: pass { apiKey } or set FORPROMPT_API_KEY', { code: 'MISSING_API_KEY' });
    }
    const url = new URL(this.options.baseUrl + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { 'X-API-Key': apiKey, Accept: 'application/json' };
    const body = spec.rawBody ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body));
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.etag) headers['If-None-Match'] = spec.etag;
    if (spec.idempotencyKey) headers['Idempotency-Key'] = spec.idempotencyKey;
    const maxRetries = spec.maxRetries ?? this.options.maxRetries;

    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt<T>(spec, url.toString(), headers, body);
      if (outcome.response) return outcome.response;
      const { error, serverDelayMs } = outcome;
      if (attempt >= maxRetries || !isRetryable(error) || spec.signal?.aborted) throw error;
      const delay = retryDelayMs(attempt, serverDelayMs);
      this.options.logger.debug?.(`${spec.method} ${spec.path} failed (${error.code}); retry ${attempt + 1}/${maxRetries} in ${Math.round(delay)} ms`);
      await sleep(delay, spec.signal);
    }
  }

  /** One try: the response, or the error with the server's Retry-After. Never throws. */
  private async attempt<T>(
    spec: RequestSpec,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<{ response: ApiResponse<T>; error?: undefined } | { response?: undefined; error: APIError; serverDelayMs?: number | undefined }> {
    const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const forwardAbort = () => controller.abort();
    spec.signal?.addEventListener('abort', forwardAbort, { once: true });
    try {
      const response = await this.options.fetch(url, { method: spec.method, headers, body, signal: controller.signal });
      // Read the body under the same timeout: a server that stalls mid-body is a timeout too.
      const text = response.status === 304 || response.status === 204 ? '' : await response.text();
      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (!response.ok && response.status !== 304) {
        return { error: errorFromResponse(response, text, requestId), serverDelayMs: retryAfterMs(response.headers) };
      }
      const data = response.status === 304 ? undefined : (parseJson(text) as T | undefined);
      if (response.status !== 304 && response.status !== 204 && data === undefined) {
        const error = new APIError(`ForPrompt answered HTTP ${response.status} with a body that is not JSON`, { status: response.status, code: 'INVALID_RESPONSE', requestId });
        return { error };
      }
      return { response: { status: response.status, data, etag: response.headers.get('etag') ?? undefined, requestId } };
    } catch (error) {
      if (spec.signal?.aborted) return { error: new APIConnectionError('Request aborted by the caller', { code: 'ABORTED', cause: error }) };
      if (controller.signal.aborted) return { error: new APITimeoutError(timeoutMs) };
      return { error: new APIConnectionError(`Cannot reach ForPrompt at ${this.options.baseUrl}: ${describeFailure(error)}`, { cause: error }) };
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', forwardAbort);
    }
  }
}
