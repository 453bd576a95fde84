import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does to one request:
 * - `reset`: closes the connection before forwarding (the engine never sees the request);
 * - `reset-after-forward`: forwards, lets the engine answer, then closes the connection instead of
 *   replying (the engine acted; the client cannot know);
 * - `status`: answers itself with this status (and headers, e.g. Retry-After) without forwarding;
 * - `delay`: forwards, but holds the engine's answer back this long (past the client's timeout).
 */
export type Fault =
  | { kind: 'reset' }
  | { kind: 'reset-after-forward' }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'delay'; ms: number };

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The fault applied, or `pass`. */
  outcome: Fault['kind'] | 'pass';
  at: number;
}

export interface FaultProxy {
  url: string;
  requests: ProxiedRequest[];
  /** Faults for the next requests whose path starts with `pathPrefix`, one per request, in order. */
  inject(pathPrefix: string, ...faults: Fault[]): void;
  /** Faults still waiting for a request. */
  pending(): number;
  close(): Promise<void>;
}

/** A local HTTP proxy in front of the engine that injects connection drops, errors and slow answers. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const queued: Array<{ pathPrefix: string; fault: Fault }> = [];
  const requests: ProxiedRequest[] = [];

  const takeFault = (path: string): Fault | undefined => {
    const index = queued.findIndex((entry) => path.startsWith(entry.pathPrefix));
    return index === -1 ? undefined : queued.splice(index, 1)[0]!.fault;
  };

  const forward = (req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      // Uncompressed, so the proxy can pass the body on as it is.
      const headers = { ...req.headers, host: targetUrl.host };
      delete headers['accept-encoding'];
      const upstream = http.request(
        { host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? '/';
    const fault = takeFault(path);
    requests.push({ method: req.method ?? 'GET', path, outcome: fault?.kind ?? 'pass', at: Date.now() });
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify(fault.body ?? { error: { code: fault.status === 429 ? 'rate_limited' : 'injected_fault', message: `Injected ${fault.status}` } }));
      return;
    }
    try {
      const answer = await forward(req, Buffer.concat(chunks));
      if (fault?.kind === 'reset-after-forward') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (res.destroyed) return;
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      delete headers['content-length'];
      res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
      res.end(answer.body);
    } catch {
      // The engine is down: answer as a gateway would.
      if (!res.destroyed) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'bad_gateway', message: 'Engine unreachable' } }));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject: (pathPrefix, ...faults) => queued.push(...faults.map((fault) => ({ pathPrefix, fault }))),
    pending: () => queued.length,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
