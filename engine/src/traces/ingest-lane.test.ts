import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_LIMITS } from '@forprompt/sdk/ingest';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider } from '../data/provider.js';
import { createApp } from '../http/app.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { projectWithApiKey, silentLogger, testServices } from '../../test/helpers/app.js';
import { createIngestLane } from './ingest-lane.js';

/** The status the lane's own server answers with when the lane leaves a request to the full route. */
const NOT_TAKEN = 599;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: unknown;
}

/**
 * The ingest lane (ingest-lane.ts) against the full Express route: what the lane takes it answers
 * as the route would, and what it leaves, it leaves untouched.
 */
describe('the ingest lane', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let apiKey = '';
  const servers: http.Server[] = [];
  let laneUrl = '';
  let fullUrl = '';

  const listen = async (serve: http.RequestListener) => {
    const server = http.createServer(serve);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    apiKey = (await projectWithApiKey(provider, 'ingest lane')).apiKey;
    const services = testServices(provider);
    const { app, routes } = createApp(services);
    const lane = createIngestLane(services, routes, {})!;
    expect(lane).not.toBeNull();
    laneUrl = await listen((req, res) => void lane(req, res, 'lane-test').then((taken) => taken || res.writeHead(NOT_TAKEN).end()));
    fullUrl = await listen(app);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await provider?.close();
    await database?.drop();
  });

  function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, path = '/api/v1/ingest'): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = http.request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...headers } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'], body: text ? (JSON.parse(text) as unknown) : null });
        });
      });
      request.on('error', reject);
      if (headers['transfer-encoding'] === 'chunked') request.write(body);
      request.end(headers['transfer-encoding'] === 'chunked' ? undefined : body);
    });
  }

  /** A batch of a good span-create and a bad one, with fresh ids; `mark` replaces them in answers. */
  function mixedBatch() {
    const traceId = `trace-${randomUUID()}`;
    const events = [
      { id: `evt-${randomUUID()}`, timestamp: new Date().toISOString(), type: 'span-create', body: { id: randomUUID(), traceId, name: 'step' } },
      { id: `evt-${randomUUID()}`, timestamp: new Date().toISOString(), type: 'span-create', body: { id: randomUUID(), traceId: 42 } },
    ];
    const ids = events.map((event) => event.id);
    return { body: JSON.stringify({ batch: events }), mark: (answer: Answer) => JSON.parse(ids.reduce((text, id, index) => text.replaceAll(id, `event-${index}`), JSON.stringify(answer))) as Answer };
  }

  it('answers a batch as the full route does: one result per event, an invalid one named', async () => {
    const [viaLane, viaRoute] = [mixedBatch(), mixedBatch()];
    const laneAnswer = viaLane.mark(await post(laneUrl, viaLane.body));
    expect(laneAnswer.status).toBe(207);
    expect(laneAnswer).toEqual(viaRoute.mark(await post(fullUrl, viaRoute.body)));
    expect((laneAnswer.body as { results: Array<{ status: number }> }).results.map((result) => result.status)).toEqual([201, 400]);
  });

  it.each([
    ['malformed JSON', '{"batch": ['],
    ['JSON that is not an object', '"batch"'],
    ['a batch that is not an array', '{"batch": 5}'],
    ['an empty batch', '{"batch": []}'],
    ['an unknown field beside the batch', '{"batch": [{}], "extra": true}'],
    ['a byte order mark before the object', '\uFEFF{"batch": 5}'],
  ])('answers %s as the full route does', async (_case, body) => {
    const laneAnswer = await post(laneUrl, body);
    expect(laneAnswer.status).toBe(400);
    expect(laneAnswer).toEqual(await post(fullUrl, body));
  });

  it.each([
    ['an unknown API key', { 'x-api-key': `fp_proj_${'Unknown0'.repeat(4)}` }, 401],
    ['another content type', { 'content-type': 'text/plain' }, 415],
    ['another charset', { 'content-type': 'application/json; charset=latin1' }, 415],
    ['a chunked body', { 'transfer-encoding': 'chunked' }, 207],
    ['a compressed body', { 'content-encoding': 'gzip' }, 207],
  ])('leaves %s to the full route', async (_case, headers: Record<string, string>, fullStatus) => {
    const { body } = mixedBatch();
    const sent = headers['content-encoding'] === 'gzip' ? zlib.gzipSync(body) : body;
    expect((await post(laneUrl, sent, headers)).status).toBe(NOT_TAKEN);
    expect((await post(fullUrl, sent, headers)).status).toBe(fullStatus);
  });

  it('leaves a body over the route limit, and another path, to the full route', async () => {
    const oversized = JSON.stringify({ batch: ['x'.repeat(INGEST_LIMITS.batchBytes)] });
    expect((await post(laneUrl, oversized)).status).toBe(NOT_TAKEN);
    expect((await post(fullUrl, oversized)).status).toBe(413);
    expect((await post(laneUrl, mixedBatch().body, {}, '/api/v1/ingest?dry=1')).status).toBe(NOT_TAKEN);
  });
});
