import type { IncomingMessage, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, afterEach } from 'vitest';
import type { ObservedResponse, ResponseContract } from './openapi-contract.js';

/**
 * Every response the tests get from an engine is checked against the engine's OpenAPI document
 * (openapi-contract.ts): in-process apps as they send (serveApp), spawned engines as `fetch` reads
 * them (startEngine). A mismatch fails the test that was running — at once when it came through the
 * `Api` client, else when the test ends.
 */
interface SharedState {
  violations: string[];
  /** Spawned engines by origin (`http://127.0.0.1:41234`). */
  engines: Map<string, ResponseContract>;
  fetchWrapped: boolean;
}

// Kept on globalThis: a worker may evaluate this module once per test file, but `fetch` is wrapped once.
const shared = ((globalThis as { [key: symbol]: SharedState })[Symbol.for('forprompt.responseCheck')] ??= { violations: [], engines: new Map(), fetchWrapped: false });

function record(contract: ResponseContract, response: ObservedResponse): void {
  const violation = contract.violation(response);
  if (violation) shared.violations.push(violation);
}

/** Throws with every recorded mismatch (and forgets them), so that the current test fails. */
export function throwContractViolations(): void {
  if (shared.violations.length === 0) return;
  const found = shared.violations.splice(0);
  throw new Error(`${found.length} response(s) do not keep to the OpenAPI document:\n${found.join('\n')}`);
}

afterEach(() => throwContractViolations());
afterAll(() => throwContractViolations());

function decoded(body: Buffer, encoding: string): Buffer {
  switch (encoding.toLowerCase()) {
    case 'gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    case 'br':
      return zlib.brotliDecompressSync(body);
    default:
      return body;
  }
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
type Chunk = string | Buffer | Uint8Array;

/** The server's handler, with each response's bytes collected and checked as it ends. */
export function checkingResponses(handler: Listener, contract: ResponseContract): Listener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    const collect = (chunk: unknown, encoding: unknown) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    const write = res.write.bind(res) as (chunk: Chunk, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    let ended = false;
    res.write = ((chunk: Chunk, ...rest: unknown[]) => {
      collect(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as ServerResponse['write'];
    res.end = ((...args: unknown[]) => {
      if (!ended) {
        ended = true;
        if (typeof args[0] !== 'function') collect(args[0], args[1]);
        const body = decoded(Buffer.concat(chunks), String(res.getHeader('content-encoding') ?? '')).toString('utf8');
        record(contract, { method: req.method ?? 'GET', url: req.url ?? '/', status: res.statusCode, contentType: String(res.getHeader('content-type') ?? ''), body });
      }
      return end(...args);
    }) as ServerResponse['end'];
    handler(req, res);
  };
}

/** Checks what `fetch` reads from the engine at `origin`, until `forget` is called. */
export function checkFetchedResponses(origin: string, contract: ResponseContract): { forget: () => void } {
  shared.engines.set(origin, contract);
  if (!shared.fetchWrapped) {
    shared.fetchWrapped = true;
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
      const checked = shared.engines.get(url.origin);
      if (checked) {
        const contentType = response.headers.get('content-type') ?? '';
        // Only JSON is read here: a stream (SSE) is the caller's to read.
        const body = /json/i.test(contentType) ? await response.clone().text() : '';
        record(checked, { method, url: `${url.pathname}${url.search}`, status: response.status, contentType, body });
      }
      return response;
    };
  }
  return { forget: () => void shared.engines.delete(origin) };
}
