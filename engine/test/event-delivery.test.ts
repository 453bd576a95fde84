import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresProvider } from '../src/data/postgres/provider.js';
import type { DataProvider, OutboxEvent, WriteContext } from '../src/data/provider.js';
import { EventDelivery } from '../src/events/delivery.js';
import { silentLogger } from './helpers/app.js';
import { createTestDatabase } from './helpers/db.js';

const system: WriteContext = { actor: { type: 'system' } };

/** The outbox delivered through the job queue to in-process subscribers, on two replicas of one database. */
describe('event delivery', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  const replicas: Array<{ provider: DataProvider; delivery: EventDelivery; received: OutboxEvent[] }> = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    for (const replica of replicas) {
      await replica.delivery.stop();
      await replica.provider.close();
    }
    await pool?.end();
    await database?.drop();
  });

  const pendingCount = async () => Number((await pool.query('select count(*) from outbox_events where processed_at is null')).rows[0].count);
  const makeEvents = async (count: number) => {
    const user = await replicas[0]!.provider.users.create(system, { email: `owner-${Date.now()}-${Math.random()}@example.test` });
    for (let n = 0; n < count; n++) await replicas[0]!.provider.orgs.create(system, { name: `Org ${n}`, ownerUserId: user.id });
  };

  it('delivers events committed while no engine ran, then every new one, each once, oldest first', async () => {
    for (let n = 0; n < 2; n++) {
      const provider = createPostgresProvider({ connectionString: database.url, logger: silentLogger });
      const delivery = new EventDelivery(provider, silentLogger);
      const received: OutboxEvent[] = [];
      delivery.subscribe({ name: 'recorder', handle: async (events) => void received.push(...events) });
      replicas.push({ provider, delivery, received });
    }
    await makeEvents(3);
    const backlog = await pendingCount();
    expect(backlog).toBeGreaterThanOrEqual(3);
    for (const replica of replicas) await replica.delivery.start();
    await expect.poll(pendingCount, { timeout: 15_000, interval: 200 }).toBe(0);

    await makeEvents(5);
    await expect.poll(pendingCount, { timeout: 15_000, interval: 200 }).toBe(0);
    const all = replicas.flatMap((replica) => replica.received);
    const ids = all.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    const delivered = Number((await pool.query('select count(*) from outbox_events where processed_at is not null')).rows[0].count);
    expect(ids.length).toBe(delivered);
    for (const replica of replicas) {
      const seqs = replica.received.map((event) => event.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect(all.some((event) => event.type === 'organization.created')).toBe(true);
  }, 40_000);

  it('hands a batch out again when a subscriber fails, so nothing is lost', async () => {
    let failures = 1;
    const seen: string[] = [];
    replicas[0]!.delivery.subscribe({
      name: 'flaky',
      handle: async (events) => {
        if (failures-- > 0) throw new Error('webhook target down');
        seen.push(...events.map((event) => event.id));
      },
    });
    // Only replica 0 has the flaky subscriber: replica 1 shuts down, so every delivery goes through it.
    const [second] = replicas.splice(1, 1);
    await second!.delivery.stop();
    await second!.provider.close();
    await makeEvents(2);
    await expect(replicas[0]!.delivery.deliverPending()).rejects.toThrow('webhook target down');
    expect(await pendingCount()).toBeGreaterThan(0);
    await expect.poll(pendingCount, { timeout: 15_000, interval: 200 }).toBe(0);
    expect(seen.length).toBeGreaterThanOrEqual(2);
  }, 40_000);

  it('prunes delivered events after a week and keeps undelivered ones', async () => {
    await replicas[0]!.delivery.stop();
    await pool.query(`update outbox_events set processed_at = now() - interval '8 days' where processed_at is not null`);
    await makeEvents(1);
    const purged = await replicas[0]!.provider.maintenance.purgeExpired();
    expect(purged.outboxEvents).toBeGreaterThan(0);
    expect(Number((await pool.query('select count(*) from outbox_events')).rows[0].count)).toBe(await pendingCount());
    expect(await pendingCount()).toBeGreaterThan(0);
  });
});
