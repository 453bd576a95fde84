import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from './pidfile.js';
import { findFreePort } from './ports.js';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPostgres } from './server.js';
import { readEmbeddedState } from './state.js';

const logger = pino({ level: 'silent' });
const isRoot = process.getuid?.() === 0;

const homes: string[] = [];
const servers: EmbeddedPostgres[] = [];
const engines: ChildProcess[] = [];

async function temporaryDirectory(): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'forprompt-embedded-'));
  homes.push(directory);
  return directory;
}

async function start(home: string, preferredPort?: number): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres({ home, preferredPort: preferredPort ?? (await findFreePort()), logger });
  servers.push(server);
  return server;
}

async function query<Row extends Record<string, unknown>>(databaseUrl: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The pid of a process that has exited: a postmaster.pid naming it is what a crash leaves. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
}

function withPid(postmasterPid: string, pid: number): string {
  return [String(pid), ...postmasterPid.split('\n').slice(1)].join('\n');
}

/**
 * Starts the server from a separate Node process (an engine), as another engine on the same home would.
 * Running the TypeScript source needs tsx (a dependency of drizzle-kit).
 */
async function startInEngineProcess(home: string): Promise<{ pid: number; port: number; databaseUrl: string; engine: ChildProcess }> {
  const serverModule = pathToFileURL(path.join(import.meta.dirname, 'server.ts')).href;
  const script = `
    const { pino } = await import('pino');
    const { startEmbeddedPostgres } = await import(${JSON.stringify(serverModule)});
    const server = await startEmbeddedPostgres({ home: ${JSON.stringify(home)}, preferredPort: ${await findFreePort()}, logger: pino({ level: 'silent' }) });
    console.log(JSON.stringify({ pid: server.pid, port: server.port, databaseUrl: server.databaseUrl }));
    process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
    setInterval(() => {}, 1000);`;
  const engine = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  engines.push(engine);
  const exited = once(engine, 'exit');
  const firstLine = await Promise.race([
    once(readline.createInterface({ input: engine.stdout }), 'line').then(([line]) => String(line)),
    exited.then(([code]) => Promise.reject(new Error(`the engine process exited with ${code} before starting`))),
  ]);
  return { ...(JSON.parse(firstLine) as { pid: number; port: number; databaseUrl: string }), engine };
}

/** As a crash or `kill -9` would: the engine is gone, its server orphaned. */
async function startInKilledEngine(home: string): Promise<{ pid: number; port: number }> {
  const { engine, ...server } = await startInEngineProcess(home);
  await killAndWait(engine, 'SIGKILL');
  return server;
}

async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => killAndWait(engine, 'SIGTERM')));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await Promise.all(homes.splice(0).map((home) => fs.rm(home, { recursive: true, force: true })));
});

describe('startEmbeddedPostgres', { timeout: 120_000 }, () => {
  it('initialises the data directory on first start, serves queries and stops', async () => {
    const home = await temporaryDirectory();
    const server = await start(home);

    expect(server.reused).toBe(false);
    expect(server.dataDir).toBe(path.join(home, 'pg'));
    expect(existsSync(path.join(server.dataDir, 'PG_VERSION'))).toBe(true);
    expect(server.databaseUrl).toMatch(new RegExp(`^postgres://forprompt:[0-9a-f]{48}@127\\.0\\.0\\.1:${server.port}/forprompt$`));
    const [row] = await query(server.databaseUrl, 'select current_database() as db, current_user as who');
    expect(row).toEqual({ db: 'forprompt', who: 'forprompt' });

    const state = await readEmbeddedState(path.join(home, 'embedded-pg.json'));
    expect(state).toMatchObject({ port: server.port, pgMajor: 18 });
    expect((await fs.stat(path.join(home, 'embedded-pg.json'))).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(home, 'logs', 'postgres.log'), 'utf8')).toContain('database system is ready');

    await server.stop();
    expect(isProcessAlive(server.pid)).toBe(false);
    expect(existsSync(path.join(server.dataDir, 'postmaster.pid'))).toBe(false);
    await server.stop(); // idempotent
  });

  it('skips initdb on the next start and keeps the data', async () => {
    const home = await temporaryDirectory();
    const first = await start(home);
    await query(first.databaseUrl, "create table notes (body text); insert into notes values ('kept')");
    await first.stop();

    const second = await start(home);
    expect(second.reused).toBe(false);
    expect(await query(second.databaseUrl, 'select body from notes')).toEqual([{ body: 'kept' }]);
    const log = readFileSync(path.join(home, 'logs', 'postgres.log'), 'utf8');
    expect(log.match(/The files belonging to this database system/g)).toHaveLength(1);
  });

  it('clears a stale postmaster.pid whose process is dead or is not PostgreSQL', async () => {
    const home = await temporaryDirectory();
    const first = await start(home);
    const pidFile = path.join(first.dataDir, 'postmaster.pid');
    const lock = await fs.readFile(pidFile, 'utf8');
    await first.stop();

    await fs.writeFile(pidFile, withPid(lock, await deadPid()));
    const afterCrash = await start(home);
    expect(afterCrash.reused).toBe(false);
    expect(await query(afterCrash.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
    await afterCrash.stop();

    const unrelated = spawn('sleep', ['30']);
    try {
      await fs.writeFile(pidFile, withPid(lock, unrelated.pid ?? 0));
      const afterReboot = await start(home);
      expect(afterReboot.reused).toBe(false);
      expect(afterReboot.pid).not.toBe(unrelated.pid);
      expect(isProcessAlive(unrelated.pid ?? 0)).toBe(true);
    } finally {
      unrelated.kill();
    }
  });

  it('adopts a server left running by an engine that was killed, and still stops it', async () => {
    const home = await temporaryDirectory();
    const engine = await startInKilledEngine(home);

    const adopted = await start(home);
    expect(adopted.reused).toBe(true);
    expect(adopted.pid).toBe(engine.pid);
    expect(adopted.port).toBe(engine.port);
    expect(await query(adopted.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);

    await adopted.stop();
    expect(isProcessAlive(engine.pid)).toBe(false);
  });

  it('adopts its own still-running server when started twice, and stops it only when both are done', async () => {
    const home = await temporaryDirectory();
    const first = await start(home);
    const second = await start(home);
    expect(second).toMatchObject({ reused: true, pid: first.pid, databaseUrl: first.databaseUrl });
    await second.stop();
    expect(isProcessAlive(first.pid)).toBe(true);
    expect(await query(first.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
    await first.stop();
    expect(isProcessAlive(first.pid)).toBe(false);
  });

  it("leaves running a server another live engine uses (a --migrate-only beside it), then the last user stops it", async () => {
    const home = await temporaryDirectory();
    const engine = await startInEngineProcess(home);

    const beside = await start(home);
    expect(beside).toMatchObject({ reused: true, pid: engine.pid });
    await beside.stop();
    expect(isProcessAlive(engine.pid)).toBe(true);
    expect(await query(engine.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);

    // The other way round: the engine leaves first, and the process still using the server stops it.
    const stillUsing = await start(home);
    await killAndWait(engine.engine, 'SIGTERM');
    expect(isProcessAlive(engine.pid)).toBe(true);
    expect(await query(stillUsing.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
    await stillUsing.stop();
    expect(isProcessAlive(engine.pid)).toBe(false);
  });

  it('leaves alone a server another live engine uses when it does not answer in time, and says so', async () => {
    const home = await temporaryDirectory();
    const engine = await startInEngineProcess(home);
    process.kill(engine.pid, 'SIGSTOP'); // busy, as far as anyone can tell
    try {
      const failure = await start(home).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'startup_timeout', dataDir: path.join(home, 'pg') });
      expect((failure as Error).message).toContain('used by another ForPrompt process');
    } finally {
      process.kill(engine.pid, 'SIGCONT');
    }
    expect(await query(engine.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('stops a leftover server it cannot log in to, and says the recorded password is wrong', async () => {
    const home = await temporaryDirectory();
    const leftover = await start(home);
    const stateFile = path.join(home, 'embedded-pg.json');
    const state = await readEmbeddedState(stateFile);
    await fs.writeFile(stateFile, JSON.stringify({ ...state, password: 'not-the-password-at-all' }));

    const failure = await start(home).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'credentials_rejected', dataDir: leftover.dataDir });
    expect((failure as Error).message).toContain(stateFile);
    expect(isProcessAlive(leftover.pid)).toBe(false);
    expect(existsSync(path.join(leftover.dataDir, 'PG_VERSION'))).toBe(true);
  });

  it('moves to a free port when the preferred one is taken, keeps it next time, and follows a new preference', async () => {
    const home = await temporaryDirectory();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as net.AddressInfo).port;
    try {
      const server = await start(home, takenPort);
      expect(server.port).not.toBe(takenPort);
      expect(await query(server.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
      expect((await readEmbeddedState(path.join(home, 'embedded-pg.json')))?.port).toBe(server.port);
      await server.stop();

      const again = await start(home, takenPort);
      expect(again.port).toBe(server.port);
      await again.stop();

      const configuredPort = await findFreePort();
      const reconfigured = await start(home, configuredPort);
      expect(reconfigured.port).toBe(configuredPort);
    } finally {
      blocker.close();
    }
  });

  it('refuses a damaged or foreign-version data directory, naming it and deleting nothing', async () => {
    const home = await temporaryDirectory();
    const server = await start(home);
    await server.stop();
    const { dataDir } = server;
    const versionFile = path.join(dataDir, 'PG_VERSION');

    await fs.writeFile(versionFile, '17\n');
    const mismatch = await start(home).catch((error: unknown) => error);
    expect(mismatch).toBeInstanceOf(EmbeddedPostgresError);
    expect(mismatch).toMatchObject({ code: 'version_mismatch', dataDir });
    expect((mismatch as Error).message).toContain(dataDir);
    await fs.writeFile(versionFile, '18\n');

    await fs.rm(path.join(dataDir, 'global', 'pg_control'));
    const damaged = await start(home).catch((error: unknown) => error);
    expect(damaged).toBeInstanceOf(EmbeddedPostgresError);
    expect(damaged).toMatchObject({ code: 'data_dir_damaged', dataDir });
    const message = (damaged as Error).message;
    expect(message).toContain(dataDir);
    expect(message).toContain('global/pg_control is missing');
    expect(message).toContain('Nothing was deleted');
    expect(message).toContain('Last lines of the PostgreSQL log');
    for (const kept of ['PG_VERSION', 'base', 'global', 'pg_wal', 'postgresql.conf']) {
      expect(existsSync(path.join(dataDir, kept))).toBe(true);
    }
  });

  it.runIf(isRoot)('runs PostgreSQL as an unprivileged user, even from a home inside a 0700 directory', async () => {
    const locked = await temporaryDirectory();
    await fs.chmod(locked, 0o700);
    const home = path.join(locked, 'home');
    const server = await start(home);

    const status = await fs.readFile(`/proc/${server.pid}/status`, 'utf8');
    const uids = /^Uid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/).map(Number);
    expect(uids).toHaveLength(4);
    expect(uids).not.toContain(0);
    expect((await fs.stat(server.dataDir)).uid).toBe(uids?.[0]);
    expect(await query(server.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
  });
});
