import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TestDatabases, withClient } from '../../../test/helpers/databases.js';
import { seedIds, seedSampleData } from '../../../test/helpers/seed.js';
import { createBackup } from './index.js';

const databases = new TestDatabases();
let workDir: string | undefined;

afterAll(async () => {
  await databases.dropAll();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

const SPANS = 300_000;
const MB = 1024 * 1024;

it('backs up a large database in constant memory', { timeout: 180_000 }, async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-backup-large-'));
  const source = await databases.migrated();
  await withClient(source.url, async (client) => {
    await seedSampleData(client, { spans: 0 });
    // The full-text index makes generating the rows three times slower and is nothing the backup reads.
    await client.query('drop index spans_content_search_idx');
    await client.query(
      `insert into spans (trace_id, project_id, span_id, type, content, input, started_at)
       select $1, $2, 'bulk-' || i, 'llm_call', repeat(md5(i::text) || ' ', 10), jsonb_build_object('prompt', md5((i * 7)::text), 'n', i),
              timestamptz '2025-01-01' + i * interval '1 second'
       from generate_series(1, ${SPANS}) as i`,
      [seedIds.trace, seedIds.project],
    );
  });

  const before = process.memoryUsage();
  const peak = { rss: before.rss, heapUsed: before.heapUsed };
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
  }, 10);
  try {
    const { manifest } = await createBackup({ databaseUrl: source.url, outFile: path.join(workDir, 'large.fpbackup'), appVersion: '9.9.9-test' });
    const spans = manifest.tables.find((table) => table.name === 'spans')!;
    expect(spans.rows).toBe(SPANS);
    expect(spans.bytes).toBeGreaterThan(160 * MB);
    // Spooled, archived and verified in streams: memory grows by a small fraction of the data.
    expect(peak.rss - before.rss).toBeLessThan(64 * MB);
    expect(peak.heapUsed - before.heapUsed).toBeLessThan(32 * MB);
  } finally {
    clearInterval(sampler);
  }
});
