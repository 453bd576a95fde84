import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestEvent } from '@forprompt/sdk/ingest';
import { createPostgresProvider } from '../data/postgres/provider.js';
import type { DataProvider } from '../data/provider.js';
import { createTestDatabase } from '../../test/helpers/db.js';
import { projectWithApiKey, serveApp, silentLogger } from '../../test/helpers/app.js';
import { MAX_CONCURRENT_INGESTS } from '../data/traces.js';

const spanBatch = (): IngestEvent[] => [
  { id: `evt-${randomUUID()}`, timestamp: new Date().toISOString(), type: 'span-create', body: { id: randomUUID(), traceId: `trace-${randomUUID()}`, name: 'step' } },
];

/** The provider, with its ingestion made to wait for `release()` or to fail as `failWith` says. */
function controlledProvider(provider: DataProvider) {
  let release: () => void = () => {};
  let held = new Promise<void>((resolve) => (release = resolve));
  const control = { hold: false, failWith: null as Error | null, release: () => release() };
  const wrapped: DataProvider = {
    ...provider,
    traces: {
      ...provider.traces,
      ingest: async (...args) => {
        if (control.failWith) throw control.failWith;
        if (control.hold) await held;
        return provider.traces.ingest(...args);
      },
    },
  };
  control.release = () => {
    release();
    held = new Promise<void>((resolve) => (release = resolve));
  };
  return { wrapped, control };
}

describe('ingestion when the database is slow or away (issue 7)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: DataProvider;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let control: ReturnType<typeof controlledProvider>['control'];
  let apiKey: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
    const controlled = controlledProvider(provider);
    control = controlled.control;
    server = await serveApp(controlled.wrapped);
    apiKey = (await projectWithApiKey(provider, 'backpressure')).apiKey;
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.drop();
  });

  const ingest = (batch: IngestEvent[]) =>
    fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ batch }) });

  it('answers 429 with Retry-After beyond the batches in flight, instead of queueing them, and applies nothing of it', async () => {
    control.hold = true;
    const inFlight = Array.from({ length: MAX_CONCURRENT_INGESTS }, () => ingest(spanBatch()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refusedBatch = spanBatch();
    const refused = await ingest(refusedBatch);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');

    control.hold = false;
    control.release();
    expect((await Promise.all(inFlight)).map((response) => response.status)).toEqual(Array(MAX_CONCURRENT_INGESTS).fill(207));
    const retried = await ingest(refusedBatch);
    expect(((await retried.json()) as { results: Array<{ status: number }> }).results).toEqual([{ id: refusedBatch[0]!.id, status: 201 }]);
  });

  it.each([
    ['a lost connection', new Error('Connection terminated unexpectedly'), 'database_unavailable'],
    ['no pooled connection in time', new Error('timeout exceeded when trying to connect'), 'database_unavailable'],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'database_unavailable'],
    ['a statement timeout', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }), 'database_busy'],
  ])('answers 503 with Retry-After on %s', async (_case, error, code) => {
    control.failWith = error;
    try {
      const response = await ingest(spanBatch());
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    } finally {
      control.failWith = null;
    }
  });
});
