import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { TestDatabases, withClient } from '../../../test/helpers/databases.js';
import { seedIds, seedSampleData } from '../../../test/helpers/seed.js';
import { createBackup, restoreBackupInto } from './index.js';

const databases = new TestDatabases();
let workDir: string | undefined;

afterAll(async () => {
  await databases.dropAll();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

/** One span and its trace's counter in one transaction, as ingestion writes them. */
const INGEST_SPANS = `
  with added as (
    insert into spans (trace_id, project_id, span_id, type, content)
    select $1, $2, 'live-' || gen_random_uuid(), 'message', 'arrived during the backup' from generate_series(1, $3::int)
    returning 1)
  update traces set span_count = span_count + (select count(*) from added) where id = $1`;

async function spanInvariant(url: string): Promise<{ spans: number; counted: number }> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ spans: number; counted: number }>(
      'select (select count(*) from spans)::int as spans, (select coalesce(sum(span_count), 0) from traces)::int as counted',
    );
    return rows[0]!;
  });
}

async function backupIsWaitingForLock(url: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ waiting: boolean }>(
      "select exists (select 1 from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and a.application_name = 'forprompt-backup') as waiting",
    );
    return rows[0]!.waiting;
  });
}

it('reads all tables in one snapshot while spans keep arriving: the archive counts exactly the spans it holds', async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-backup-consistency-'));
  const source = await databases.migrated();
  await withClient(source.url, (client) => seedSampleData(client, { spans: 2_000 }));
  const ingest = [seedIds.trace, seedIds.project];

  // Ingestion goes on throughout: small transactions, each adding spans and counting them in the trace.
  const ingester = new pg.Client({ connectionString: source.url });
  await ingester.connect();
  let ingesting = true;
  const ingestion = (async () => {
    while (ingesting) await ingester.query(INGEST_SPANS, [...ingest, 5]);
  })();

  // Hold a table the backup reads after traces and before spans: the backup waits for it while
  // ingestion goes on, and meanwhile this transaction adds 500 spans and counts them, committing
  // only once the backup is waiting. Reading spans in a later snapshot than traces would show it.
  const writer = new pg.Client({ connectionString: source.url });
  await writer.connect();
  await writer.query('begin');
  await writer.query('lock table conversation_reports in access exclusive mode');
  const backup = createBackup({ databaseUrl: source.url, outFile: path.join(workDir, 'live.fpbackup'), appVersion: '9.9.9-test' });
  // (Asked on another connection: a transaction sees pg_stat_activity as of its first look.)
  while (!(await backupIsWaitingForLock(source.url))) await sleep(20);
  await writer.query(INGEST_SPANS, [...ingest, 500]);
  await writer.query('commit');
  await writer.end();

  const { manifest, file } = await backup;
  ingesting = false;
  await ingestion;
  await ingester.end();

  const order = manifest.tables.map((table) => table.name);
  expect(order.indexOf('traces')).toBeLessThan(order.indexOf('conversation_reports'));
  expect(order.indexOf('conversation_reports')).toBeLessThan(order.indexOf('spans'));
  const live = await spanInvariant(source.url);
  const archived = manifest.tables.find((table) => table.name === 'spans')!.rows;
  expect(live.spans).toBe(live.counted);
  expect(live.spans).toBeGreaterThanOrEqual(archived + 500);

  const restored = await databases.migrated();
  await restoreBackupInto({ file, databaseUrl: restored.url });
  expect(await spanInvariant(restored.url)).toEqual({ spans: archived, counted: archived });
});
