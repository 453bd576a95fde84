import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/db.js';
import type { Change } from '../../ports/change-feed.js';
import { PostgresChangeFeed } from './change-feed.js';

const logger = pino({ level: 'silent' });

describe('PostgresChangeFeed', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  const feed = () => new PostgresChangeFeed(pool, database.url, logger);

  it('reconnects after losing its connection and tells listeners to drop their caches', async () => {
    const listening = feed();
    const publishing = feed();
    const received: Change[] = [];
    await listening.subscribe((change) => received.push(change));
    await pool.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'forprompt-change-feed' and datname = current_database()");
    await expect.poll(() => received, { timeout: 10_000 }).toContainEqual({ topic: '*', data: { reason: 'reconnected' } });
    await publishing.publish({ topic: 'prompt', data: { key: 'after-reconnect' } });
    await expect.poll(() => received, { timeout: 5_000 }).toContainEqual({ topic: 'prompt', data: { key: 'after-reconnect' } });
    await listening.close();
  });

  it('keeps listening for a subscriber that arrives while the last one leaves', async () => {
    const listening = feed();
    const unsubscribeFirst = await listening.subscribe(() => {});
    const received: Change[] = [];
    const [, unsubscribeSecond] = await Promise.all([unsubscribeFirst(), listening.subscribe((change) => received.push(change))]);
    await feed().publish({ topic: 'tool', data: { id: 't1' } });
    await expect.poll(() => received, { timeout: 5_000 }).toEqual([{ topic: 'tool', data: { id: 't1' } }]);
    await unsubscribeSecond();
    await listening.close();
  });

  it('refuses a change too large for a notification', async () => {
    await expect(feed().publish({ topic: 'big', data: { blob: 'x'.repeat(9000) } })).rejects.toThrow(/too large/);
  });
});
