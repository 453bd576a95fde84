import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import type { DataProvider } from '../../src/data/provider.js';
import { createApp, type AppOptions } from '../../src/http/app.js';
import { createServices, type ServiceInputs, type Services } from '../../src/http/services.js';

export const testEncryptionKey = Buffer.alloc(32, 7);

export function testServices(provider: DataProvider, config: Config = testConfig(), identify?: ServiceInputs['identify']): Services {
  return createServices({ config, provider, logger: silentLogger, version: '0.0.0-test', encryptionKey: testEncryptionKey, identify });
}

export const silentLogger = pino({ level: 'silent' });

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ FORPROMPT_HOME: '/tmp/forprompt-test-home', LOG_LEVEL: 'silent', ...overrides });
}

/** The engine's app on a real HTTP port, for tests that speak HTTP to it. */
export async function serveApp(provider: DataProvider, options: AppOptions & { config?: Config; identify?: ServiceInputs['identify'] } = {}) {
  const config = options.config ?? testConfig();
  const { handler, routes } = createApp(testServices(provider, config, options.identify), options);
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    routes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
