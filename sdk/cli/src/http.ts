import type { z } from 'zod';
import type { Connection } from './config.js';
import { ApiError, CliError, ConnectionError } from './errors.js';

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

const TIMEOUT_MS = 30_000;
const MAX_RETRIES = 2;
const RETRIED_STATUSES = new Set([408, 429, 502, 503, 504]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `Retry-After` when the engine sent one, else 0.5 s × 2ⁿ with jitter (capped at 8 s). */
function retryDelayMs(attempt: number, retryAfter: string | null): number {
  const seconds = Number(retryAfter);
  if (retryAfter !== null && Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 30) * 1000;
  const base = Math.min(500 * 2 ** attempt, 8_000);
  return base / 2 + Math.random() * (base / 2);
}

/** The message of an error body: the public API's `{ error: { code, message } }` or the original's `{ error, code }`. */
function describeError(status: number, body: unknown): { code: string; message: string } {
  const error = (body as { error?: unknown; code?: unknown } | null)?.error;
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return { code: typeof code === 'string' ? code : `http_${status}`, message: typeof message === 'string' ? message : `HTTP ${status}` };
  }
  if (typeof error === 'string') {
    const code = (body as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : `http_${status}`, message: error };
  }
  return { code: `http_${status}`, message: `HTTP ${status}` };
}

function connectionFailure(baseUrl: string, error: unknown): ConnectionError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new ConnectionError(`ForPrompt at ${baseUrl} did not answer within ${TIMEOUT_MS / 1000} s`);
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error).message;
  return new ConnectionError(`Cannot reach ForPrompt at ${baseUrl} (${reason})`);
}

/**
 * The CLI's one HTTP helper: plain `fetch` with the `X-API-Key` header. Reads, and writes that carry
 * an `Idempotency-Key`, are retried on connection errors, 408, 429 and 502–504; others are sent once.
 */
export class ApiClient {
  constructor(readonly connection: Connection) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const url = new URL(`${this.connection.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { 'X-API-Key': this.connection.apiKey, Accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const retryable = method === 'GET' || headers['Idempotency-Key'] !== undefined;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        if (retryable && attempt < MAX_RETRIES) {
          await sleep(retryDelayMs(attempt, null));
          continue;
        }
        throw connectionFailure(this.connection.baseUrl, error);
      }
      if (retryable && attempt < MAX_RETRIES && RETRIED_STATUSES.has(response.status)) {
        await response.body?.cancel();
        await sleep(retryDelayMs(attempt, response.headers.get('retry-after')));
        continue;
      }
      const text = await response.text();
      let body: unknown = null;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          throw new CliError(`${method} ${path} answered ${response.status} with a body that is not JSON; is ${this.connection.baseUrl} a ForPrompt engine?`);
        }
      }
      if (response.status >= 400) {
        const { code, message } = describeError(response.status, body);
        throw new ApiError(`${message} (${response.status} ${code})`, response.status, code);
      }
      return { status: response.status, body };
    }
  }

  /** A request whose JSON answer must have `schema`'s shape (the edge of the CLI: checked, then trusted). */
  async json<Schema extends z.ZodType>(method: string, path: string, schema: Schema, options?: RequestOptions): Promise<z.infer<Schema>> {
    const { body } = await this.request(method, path, options);
    return parseAnswer(schema, body, `${method} ${path}`);
  }
}

export function parseAnswer<Schema extends z.ZodType>(schema: Schema, body: unknown, what: string): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new CliError(`Unexpected answer to ${what} (${where}${issue?.message ?? 'invalid'}); is the engine the same version as this CLI?`);
}
