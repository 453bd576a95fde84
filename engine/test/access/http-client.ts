import http from 'node:http';
import type { FieldIssue } from '../../src/errors.js';
import { throwContractViolations } from '../helpers/response-check.js';

/** A signed-in browser: its session cookie and the CSRF token the dashboard sends back. */
export interface Credentials {
  cookie: string;
  csrfToken: string;
}

export interface CallOptions {
  session?: Credentials;
  /** The X-CSRF-Token to send: the session's unless given; null sends none. */
  csrfToken?: string | null;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent exactly as given (malformed JSON, oversize bodies). */
  rawBody?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * The client address to connect from (any 127.x.y.z reaches the loopback server): sign-in is
   * limited per client address, and req.ip is the socket's since TRUST_PROXY is off.
   */
  from?: string;
}

export interface ApiResponse<T> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
  text: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: { issues?: FieldIssue[] } & Record<string, unknown>;
}

/**
 * Plain node:http rather than fetch, so that a request can choose its client address. A response that
 * does not keep to the OpenAPI document rejects the call.
 */
export class Api {
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(readonly baseUrl: string) {}

  call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.session) {
      headers.cookie = options.session.cookie;
      const csrfToken = options.csrfToken === undefined ? options.session.csrfToken : options.csrfToken;
      if (csrfToken !== null) headers['x-csrf-token'] = csrfToken;
    }
    let payload: Buffer | undefined;
    if (options.rawBody !== undefined) payload = Buffer.from(options.rawBody);
    else if (options.body !== undefined) payload = Buffer.from(JSON.stringify(options.body));
    if (payload) {
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: method.toUpperCase(), headers, agent: this.agent, localAddress: options.from },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            // The server checked this response against its OpenAPI document as it sent it (serveApp): a mismatch fails here.
            try {
              throwContractViolations();
            } catch (error) {
              reject(error);
              return;
            }
            const text = Buffer.concat(chunks).toString('utf8');
            const isJson = /json/.test(response.headers['content-type'] ?? '') && text.length > 0;
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: (isJson ? JSON.parse(text) : text) as T, text });
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  get<T = unknown>(path: string, options?: CallOptions) {
    return this.call<T>('get', path, options);
  }

  post<T = unknown>(path: string, body?: unknown, options?: CallOptions) {
    return this.call<T>('post', path, { ...options, body });
  }

  patch<T = unknown>(path: string, body?: unknown, options?: CallOptions) {
    return this.call<T>('patch', path, { ...options, body });
  }

  delete<T = unknown>(path: string, options?: CallOptions) {
    return this.call<T>('delete', path, options);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The `{ error: { code, message, details } }` of a dashboard or v1 error response; the original API's `{ error: "message", code }` read as one. */
export function errorOf(response: ApiResponse<unknown>): ErrorBody | undefined {
  const body = response.body as { error?: ErrorBody | string; code?: string } | null;
  if (typeof body !== 'object' || body === null) return undefined;
  if (typeof body.error === 'string') return { code: body.code ?? '', message: body.error } as ErrorBody;
  return body.error;
}

export function issuePaths(response: ApiResponse<unknown>): string[] {
  return (errorOf(response)?.details?.issues ?? []).map((issue) => issue.path);
}

/** `fp_session=…` from a response that signed someone in. */
export function sessionCookie(response: ApiResponse<unknown>): string {
  const cookie = (response.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]!).find((pair) => pair.startsWith('fp_session=') && pair.length > 'fp_session='.length);
  if (!cookie) throw new Error(`No session cookie in the ${response.status} response: ${response.text}`);
  return cookie;
}

/** A short description of a response for assertion messages. */
export function describeResponse(response: ApiResponse<unknown>): string {
  return `${response.status} ${response.text.slice(0, 300)}`;
}
