import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as engineSchema from '../../../../engine/src/data/postgres/schema/index.js';
import { listMigrations, runMigrations } from '../../../../engine/src/data/postgres/migrate.js';
import { TestDatabases, withClient, type TestDatabase } from '../../../test/helpers/databases.js';
import { seedIds, seedSampleData } from '../../../test/helpers/seed.js';
import { rewriteArchive } from '../../../test/helpers/archives.js';
import { BackupError, createBackup, readBackupManifest, restoreBackupInto, verifyBackup, type BackupManifest, type BackupProgress } from './index.js';

const databases = new TestDatabases();
let workDir: string;
let source: TestDatabase;
let archive: string;
let manifest: BackupManifest;
const progress: BackupProgress[] = [];

const engineTables = Object.values(engineSchema as Record<string, unknown>).filter((value): value is PgTable => is(value, PgTable));
const rowsOf = (manifest: BackupManifest, table: string) => manifest.tables.find((entry) => entry.name === table)?.rows;
const countRows = (url: string, table: string) =>
  withClient(url, async (client) => Number((await client.query<{ count: string }>(`select count(*) from ${table}`)).rows[0]!.count));

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-backup-'));
  source = await databases.migrated();
  await withClient(source.url, (client) => seedSampleData(client));
  archive = path.join(workDir, 'install.fpbackup');
  const result = await createBackup({ databaseUrl: source.url, outFile: archive, appVersion: '9.9.9-test', onProgress: (update) => progress.push(update) });
  manifest = result.manifest;
  expect(result.file).toBe(archive);
  expect(result.bytes).toBe((await fs.stat(archive)).size);
});

afterAll(async () => {
  await databases.dropAll();
  await fs.rm(workDir, { recursive: true, force: true });
});

describe('createBackup', () => {
  it('covers every table of the engine schema, parents before the tables that reference them', () => {
    const names = manifest.tables.map((table) => table.name);
    for (const table of engineTables) expect(names, `table ${getTableName(table)} is not backed up`).toContain(getTableName(table));
    for (const table of engineTables) {
      for (const foreignKey of getTableConfig(table).foreignKeys) {
        const parent = getTableName(foreignKey.reference().foreignTable);
        if (parent !== getTableName(table)) expect(names.indexOf(parent)).toBeLessThan(names.indexOf(getTableName(table)));
      }
    }
  });

  it('records the format, app and schema version, the server and per table the columns, rows, bytes and SHA-256', async () => {
    expect(manifest).toMatchObject({
      formatVersion: 1,
      appVersion: '9.9.9-test',
      schemaVersion: { applied: listMigrations().length, lastTag: listMigrations().at(-1) },
      postgres: { versionNum: expect.any(Number) },
    });
    expect(Date.parse(manifest.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(rowsOf(manifest, 'spans')).toBe(200);
    expect(rowsOf(manifest, 'outbox_events')).toBe(2);
    expect(rowsOf(manifest, 'model_prices')).toBe(await countRows(source.url, 'model_prices'));
    expect(manifest.tables.find((table) => table.name === 'outbox_events')!.columns).toContain('seq');
    expect(await readBackupManifest(archive)).toEqual(manifest);
    expect(await verifyBackup(archive)).toEqual(manifest);
  });

  it('reports progress per table and leaves nothing but the archive behind', async () => {
    const last = progress.filter((update) => update.phase === 'export').at(-1)!;
    expect(last).toMatchObject({ tablesDone: manifest.tables.length, tablesTotal: manifest.tables.length });
    expect(progress.find((update) => update.phase === 'export' && update.table === 'spans' && update.tablesDone > 0)).toMatchObject({ rows: 200 });
    expect(progress.some((update) => update.phase === 'verify')).toBe(true);
    expect(await fs.readdir(workDir)).toEqual(['install.fpbackup']);
  });

  it.each(['export', 'write', 'verify'] as const)('stops when cancelled while it is at %s, and removes every file it wrote', async (phase) => {
    const controller = new AbortController();
    const outFile = path.join(workDir, `cancelled-${phase}`, 'install.fpbackup');
    await fs.mkdir(path.dirname(outFile));
    const backup = createBackup({
      databaseUrl: source.url,
      outFile,
      appVersion: '9.9.9-test',
      signal: controller.signal,
      onProgress: (update) => update.phase === phase && update.table === 'spans' && controller.abort(),
    });
    await expect(backup).rejects.toMatchObject({ name: 'AbortError' });
    expect(await fs.readdir(path.dirname(outFile))).toEqual([]);
  });
});

describe('restoreBackupInto', () => {
  it('restores into a freshly migrated database: same rows and checksums, pre-filled tables replaced, sequences moved on', async () => {
    const target = await databases.migrated();
    const result = await restoreBackupInto({ file: archive, databaseUrl: target.url });
    expect(result.tables).toEqual(Object.fromEntries(manifest.tables.map((table) => [table.name, table.rows])));
    // Migration 0008's default prices are the backup's, not doubled.
    expect(await countRows(target.url, 'model_prices')).toBe(rowsOf(manifest, 'model_prices'));
    const again = await createBackup({ databaseUrl: target.url, outFile: path.join(workDir, 'again.fpbackup'), appVersion: '9.9.9-test' });
    expect(again.manifest.tables).toEqual(manifest.tables);
    await withClient(target.url, async (client) => {
      const user = await client.query<{ last_name: string }>('select last_name from users where id = $1', [seedIds.user]);
      expect(user.rows[0]!.last_name).toBe('Lovelace\tthe \\first\\');
      const event = await client.query<{ seq: string }>("insert into outbox_events (type) values ('after.restore') returning seq");
      expect(Number(event.rows[0]!.seq)).toBe(3);
    });
  });

  it('stops when cancelled, leaving the target as it was', async () => {
    const target = await databases.migrated();
    const defaults = await countRows(target.url, 'model_prices');
    const controller = new AbortController();
    const restore = restoreBackupInto({ file: archive, databaseUrl: target.url, signal: controller.signal, onProgress: (update) => update.table === 'spans' && controller.abort() });
    await expect(restore).rejects.toMatchObject({ name: 'AbortError' });
    expect(await countRows(target.url, 'model_prices')).toBe(defaults);
    expect(await countRows(target.url, 'organizations')).toBe(0);
  });

  it('refuses a database at another schema version, touching nothing', async () => {
    const target = await databases.empty();
    const tags = listMigrations();
    const pool = new pg.Pool({ connectionString: target.url, max: 1 });
    try {
      await runMigrations(pool, pino({ level: 'silent' }), { target: tags.at(-2) });
    } finally {
      await pool.end();
    }
    const before = await countRows(target.url, 'model_prices');
    await expect(restoreBackupInto({ file: archive, databaseUrl: target.url })).rejects.toThrow(`is at schema ${tags.at(-2)} but the backup at ${tags.at(-1)}`);
    expect(await countRows(target.url, 'model_prices')).toBe(before);
  });

  it('rolls back when a table does not match its checksum, naming the table', async () => {
    const altered = path.join(workDir, 'altered.fpbackup');
    await rewriteArchive(archive, altered, (name, content) => (name === 'tables/spans.copy' ? Buffer.from(content.toString('utf8').replace('span-1\t', 'span-X\t')) : content));
    const target = await databases.migrated();
    const defaults = await countRows(target.url, 'model_prices');
    const failure = restoreBackupInto({ file: altered, databaseUrl: target.url });
    await expect(failure).rejects.toThrow(/Table spans in .* does not match its manifest: SHA-256/);
    await expect(failure).rejects.toMatchObject({ table: 'spans' });
    expect(await countRows(target.url, 'model_prices')).toBe(defaults);
    expect(await countRows(target.url, 'organizations')).toBe(0);
  });
});

describe('verifyBackup', () => {
  it('refuses an archive with a corrupted byte', async () => {
    const corrupted = path.join(workDir, 'corrupted.fpbackup');
    const bytes = await fs.readFile(archive);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await fs.writeFile(corrupted, bytes);
    await expect(verifyBackup(corrupted)).rejects.toThrow(BackupError);
  });

  it('refuses a truncated archive with a clear error', async () => {
    const truncated = path.join(workDir, 'truncated.fpbackup');
    const bytes = await fs.readFile(archive);
    await fs.writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await expect(verifyBackup(truncated)).rejects.toThrow(/truncated or corrupt/);
  });

  it('names a table whose file is missing', async () => {
    const missing = path.join(workDir, 'missing.fpbackup');
    await rewriteArchive(archive, missing, (name, content) => (name === 'tables/spans.copy' ? null : content));
    await expect(verifyBackup(missing)).rejects.toThrow('is missing the table spans');
  });

  it('refuses an archive written in a newer format', async () => {
    const newer = path.join(workDir, 'newer.fpbackup');
    await rewriteArchive(archive, newer, (name, content) =>
      name === 'manifest.json' ? Buffer.from(JSON.stringify({ ...JSON.parse(content.toString('utf8')), formatVersion: 2 })) : content,
    );
    await expect(readBackupManifest(newer)).rejects.toThrow('was written in backup format 2, newer than this ForPrompt reads (1)');
    await expect(verifyBackup(newer)).rejects.toThrow(BackupError);
  });

  it('refuses a file that is not a backup', async () => {
    const text = path.join(workDir, 'notes.fpbackup');
    await fs.writeFile(text, 'not a backup');
    await expect(verifyBackup(text)).rejects.toThrow(/truncated or corrupt/);
  });
});
