import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.js';
import { findFreePort, startEngine } from '../helpers/engine-process.js';
import { countSpans, engineEnv, sleep, streamingClient, streamSpans } from './span-stream.js';

const apiKey = `fp_proj_${'Kill0'.repeat(6)}ab`;

describe('an engine killed while the SDK streams spans (issue 7)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let home: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-crash-'));
  });
  afterAll(async () => {
    await database.drop();
    await fs.rm(home, { recursive: true, force: true });
  });

  it('loses no span and stores none twice once it is started again', async () => {
    const env = engineEnv(database.url, home, apiKey);
    const port = await findFreePort();
    let engine = await startEngine({ env, port });
    const fp = streamingClient(engine.url, apiKey);
    const stream = streamSpans(fp);
    try {
      await sleep(1_500);
      const sentBeforeKill = (await countSpans(database.url, stream.spanIds)).rows;
      expect(await engine.kill()).toBe('signal SIGKILL');
      // The SDK keeps recording and retrying while nothing listens on the port.
      await sleep(500);
      engine = await startEngine({ env, port });
      await sleep(1_500);
      await stream.stop();
      const stats = await fp.shutdown();

      expect(sentBeforeKill).toBeGreaterThan(0);
      expect(stats).toMatchObject({ queued: 0, dropped: 0, refused: 0 });
      const count = await countSpans(database.url, stream.spanIds);
      expect(count).toEqual({ rows: stream.spanIds.length, distinct: stream.spanIds.length, total: stream.spanIds.length });
    } finally {
      await stream.stop();
      await engine.stop();
    }
  }, 60_000);
});
