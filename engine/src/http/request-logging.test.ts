import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider } from '../data/provider.js';
import { createLogger } from '../logger.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { projectWithApiKey, silentLogger, testConfig, testEncryptionKey } from '../../test/helpers/app.js';
import { createIngestLane } from '../traces/ingest-lane.js';
import { createApp, type AppOptions } from './app.js';
import { defineRoute } from './registry.js';
import { createServices } from './services.js';

/** The lines the engine's logger writes, parsed; `raw` keeps the text to catch a field named twice. */
const lines: Array<{ raw: string; line: Record<string, unknown> }> = [];
const logger = createLogger('info', { write: (raw: string) => void lines.push({ raw, line: JSON.parse(raw) as Record<string, unknown> }) });

const probeRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/probe/logs-later',
    surface: 'compat',
    auth: 'public',
    summary: 'Logs after an await, through the plain logger',
    tags: ['probe'],
    responses: { 200: { description: 'OK' } },
    handler: async (_input, { services }) => {
      await sleep(5);
      services.logger.child({ component: 'probe' }).info('working on it');
      return { ok: true };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/probe/crash',
    surface: 'compat',
    auth: 'public',
    summary: 'Fails unexpectedly',
    tags: ['probe'],
    responses: { 200: { description: 'OK' } },
    handler: async () => {
      await sleep(1);
      throw new Error('unexpected');
    },
  }),
];

describe('request logging', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let apiKey: string;
  const servers: http.Server[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    const project = await projectWithApiKey(provider, 'Logging');
    apiKey = project.apiKey;
    await provider.prompts.create({ actor: { type: 'system' } }, project.projectId, { key: 'hello', name: 'Hello' }, { template: 'Hello', variables: [], labels: ['production'] });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await provider?.close();
    await database?.drop();
  });

  async function serve(options: AppOptions = {}): Promise<string> {
    const services = createServices({ config: testConfig({ LOG_LEVEL: 'info' }), provider, logger, version: '0.0.0-test', encryptionKey: testEncryptionKey });
    const server = http.createServer(createApp(services, options).handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The lines written while `request` ran, once its completion line is in. */
  async function linesOf(request: () => Promise<Response>) {
    const from = lines.length;
    const response = await request();
    await response.arrayBuffer();
    await expect.poll(() => lines.slice(from).some(({ line }) => line.msg === 'request completed' || line.msg === 'request errored')).toBe(true);
    return { requestId: response.headers.get('x-request-id'), written: lines.slice(from) };
  }

  function expectEachCarries(written: typeof lines, requestId: string | null) {
    expect(requestId).toBeTruthy();
    expect(written.length).toBeGreaterThan(0);
    for (const { raw, line } of written) {
      expect(line.reqId, raw).toBe(requestId);
      expect(raw.match(/"reqId":/g), raw).toHaveLength(1);
      expect(line, raw).not.toHaveProperty('requestId');
    }
  }

  it('puts the request id on every line written during a request, also after awaits and in child loggers', async () => {
    const url = await serve({ routes: probeRoutes });
    const { requestId, written } = await linesOf(() => fetch(`${url}/api/probe/logs-later`, { headers: { 'x-request-id': 'trace-me-1' } }));
    expect(requestId).toBe('trace-me-1');
    expect(written.map(({ line }) => line.msg)).toEqual(['working on it', 'request completed']);
    expectEachCarries(written, requestId);
  });

  it('logs an unhandled error under reqId, once, and answers with the same id', async () => {
    const url = await serve({ routes: probeRoutes });
    const { requestId, written } = await linesOf(() => fetch(`${url}/api/probe/crash`));
    expect(written.map(({ line }) => line.msg)).toEqual(['Unhandled error', 'request errored']);
    expectEachCarries(written, requestId);
  });

  it('puts it on the fast lane and the full routes of the public API alike, and on nothing outside a request', async () => {
    const url = await serve();
    const fast = await linesOf(() => fetch(`${url}/api/v1/prompts/hello`, { headers: { 'x-api-key': apiKey } }));
    expectEachCarries(fast.written, fast.requestId);
    const full = await linesOf(() => fetch(`${url}/api/v1/prompts`, { headers: { 'x-api-key': apiKey } }));
    expectEachCarries(full.written, full.requestId);
    expect(full.requestId).not.toBe(fast.requestId);

    // The fast lane's own completion line has the fields and level pino-http's has.
    const completion = (written: typeof lines) => written.map(({ line }) => line).find((line) => line.msg === 'request completed');
    const fastLine = completion(fast.written)!;
    const fullLine = completion(full.written)!;
    expect(Object.keys(fastLine).sort()).toEqual(Object.keys(fullLine).sort());
    expect(fastLine).toMatchObject({ level: 30, req: { method: 'GET', path: '/api/v1/prompts/hello' }, res: { statusCode: 200 }, responseTime: expect.any(Number) });

    const from = lines.length;
    logger.info('between requests');
    expect(lines.slice(from).map(({ line }) => line.reqId)).toEqual([undefined]);
  });

  it('logs the ingestion lane\'s answers as the full routes do: info when accepted, a warning for a client mistake', async () => {
    // The lane alone (a request it leaves gets 599), so the lines are its own and not pino-http's.
    const services = createServices({ config: testConfig({ LOG_LEVEL: 'info' }), provider, logger, version: '0.0.0-test', encryptionKey: testEncryptionKey });
    const lane = createIngestLane(services, createApp(services).routes, {})!;
    const server = http.createServer((req, res) => void lane(req, res, 'lane-line').then((taken) => taken || res.writeHead(599).end()));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (batch: unknown) =>
      fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ batch }) });
    const event = { id: 'log-1', timestamp: new Date().toISOString(), type: 'trace-create', body: { id: 'log-trace' } };

    const accepted = await linesOf(() => post([event]));
    expect(accepted.written.at(-1)!.line).toMatchObject({ reqId: 'lane-line', level: 30, msg: 'request completed', req: { method: 'POST', path: '/api/v1/ingest' }, res: { statusCode: 207 }, responseTime: expect.any(Number) });
    const refused = await linesOf(() => post('not a list'));
    expect(refused.written.at(-1)!.line).toMatchObject({ reqId: 'lane-line', level: 40, msg: 'request completed', res: { statusCode: 400 } });
  });
});
