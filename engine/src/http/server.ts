import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  address: AddressInfo | string | null;
  /** Stops accepting, lets in-flight requests finish (closing idle keep-alive sockets), then resolves. */
  close(drainTimeoutMs?: number): Promise<void>;
}

export function startHttpServer(app: http.RequestListener, host: string, port: number): Promise<RunningServer> {
  const server = http.createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 120_000 }, app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        address: server.address(),
        close: (drainTimeoutMs = 10_000) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
            // Keep-alive sockets become idle as their last response ends; close them as they do.
            const sweeper = setInterval(() => server.closeIdleConnections(), 100);
            timer.unref();
            server.close(() => {
              clearTimeout(timer);
              clearInterval(sweeper);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
