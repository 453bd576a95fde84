import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/data/embedded/pidfile.js';
import { createTestDatabase } from './helpers/db.js';
import { adminUrl, createEmptyDatabase, dropDatabase } from './helpers/postgres-admin.js';
import { engineEntry, findFreePort, runEngineToExit, startEngine } from './helpers/engine-process.js';

const key = 'ab'.repeat(32);

/** The built engine (`engine/dist/main.js`), started as users start it. */
describe('engine boot', () => {
  let home: string;
  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-boot-'));
  });
  afterAll(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });

  it('refuses a bad configuration before listening, one line per variable', async () => {
    const { code, output } = await runEngineToExit({ PORT: 'http', DATA_PROVIDER: 'mongodb', FORPROMPT_HOME: home });
    expect(code).toBe(1);
    expect(output).toMatch(/^\s+- PORT: expected a port number \(got "http"\)$/m);
    expect(output).toMatch(/^\s+- DATA_PROVIDER: expected one of embedded, postgresql, convex/m);
    expect(output).toContain('.env.example');
    expect(output).not.toMatch(/at .*\.js:\d+/);
  });

  it('says that the Convex provider is not yet available', async () => {
    const { code, output } = await runEngineToExit({ DATA_PROVIDER: 'convex', FORPROMPT_HOME: home });
    expect(code).toBe(1);
    expect(output).toContain('DATA_PROVIDER=convex is not yet available');
  });

  it('waits for a database that is down, then gives up with what pg_isready would say', async () => {
    const closedPort = await findFreePort();
    const started = Date.now();
    const { code, output } = await runEngineToExit({
      DATA_PROVIDER: 'postgresql',
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/forprompt`,
      DATABASE_CONNECT_TIMEOUT_SECONDS: '2',
      ENCRYPTION_KEY: key,
      FORPROMPT_HOME: home,
    });
    expect(code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(output).toContain('Waiting for PostgreSQL');
    expect(output).toContain(`PostgreSQL at 127.0.0.1:${closedPort}/forprompt is not reachable after 2 s: no response (connection refused)`);
  });

  it('stops at once when the database does not exist', async () => {
    const { code, output } = await runEngineToExit({
      DATA_PROVIDER: 'postgresql',
      DATABASE_URL: new URL('/fp_no_such_database', adminUrl).toString(),
      ENCRYPTION_KEY: key,
      FORPROMPT_HOME: home,
    });
    expect(code).toBe(1);
    expect(output).toContain('the database does not exist');
  });

  it('migrates a fresh database with --migrate-only and exits', async () => {
    const { name, url } = await createEmptyDatabase();
    try {
      const { code } = await runEngineToExit({ DATA_PROVIDER: 'postgresql', DATABASE_URL: url, ENCRYPTION_KEY: key, FORPROMPT_HOME: home }, ['--migrate-only']);
      expect(code).toBe(0);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ count: string }>('select count(*) from drizzle.__drizzle_migrations');
      await client.end();
      expect(Number(rows[0]!.count)).toBeGreaterThan(0);
    } finally {
      await dropDatabase(name);
    }
  });

  it('lets two engines start on one fresh database at once, and refuses a different encryption key', async () => {
    const fresh = await createEmptyDatabase();
    const env = { DATA_PROVIDER: 'postgresql', DATABASE_URL: fresh.url, ENCRYPTION_KEY: key };
    const engines = await Promise.all([
      startEngine({ env: { ...env, FORPROMPT_HOME: path.join(home, 'a') } }),
      startEngine({ env: { ...env, FORPROMPT_HOME: path.join(home, 'b') } }),
    ]);
    try {
      for (const engine of engines) expect((await fetch(`${engine.url}/readyz`)).status).toBe(200);
      const runtime = JSON.parse(await fs.readFile(path.join(home, 'a', 'runtime.json'), 'utf8')) as { url: string; dataProvider: string };
      expect(runtime).toMatchObject({ url: engines[0]!.url, dataProvider: 'postgresql' });
    } finally {
      await Promise.all(engines.map((engine) => engine.stop()));
    }
    await expect(fs.access(path.join(home, 'a', 'runtime.json'))).rejects.toThrow();
    const { code, output } = await runEngineToExit({ ...env, ENCRYPTION_KEY: 'cd'.repeat(32), FORPROMPT_HOME: home });
    expect(code).toBe(1);
    expect(output).toContain('ENCRYPTION_KEY does not match');
    await dropDatabase(fresh.name);
  }, 60_000);

  it('shuts down gracefully on SIGTERM', async () => {
    const database = await createTestDatabase();
    const engine = await startEngine({
      env: { DATA_PROVIDER: 'postgresql', DATABASE_URL: database.url, ENCRYPTION_KEY: key, FORPROMPT_HOME: path.join(home, 'graceful'), LOG_LEVEL: 'info' },
    });
    expect(await engine.stop()).toBe('exit code 0');
    expect(engine.output()).toContain('"msg":"Stopped"');
    await database.drop();
  });

  it('starts on the embedded default with no database set-up, and stops its PostgreSQL with it', async () => {
    const embeddedHome = path.join(home, 'embedded');
    const env = { DATA_PROVIDER: '', DATABASE_URL: '', ENCRYPTION_KEY: '', FORPROMPT_HOME: embeddedHome, EMBEDDED_PG_PORT: String(await findFreePort()) };
    const first = await startEngine({ env });
    let postmasterPid: number;
    try {
      expect(await (await fetch(`${first.url}/api/config`)).json()).toMatchObject({ dataProvider: 'embedded' });
      expect((await fs.stat(path.join(embeddedHome, 'encryption.key'))).mode & 0o777).toBe(0o600);
      postmasterPid = Number((await fs.readFile(path.join(embeddedHome, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    } finally {
      await first.stop();
    }
    // Gone, or a zombie its new parent has yet to reap (kill(pid, 0) still answers for one).
    expect(isProcessAlive(postmasterPid!)).toBe(false);
    // Warm start: same data directory, same generated key (a different key would be refused).
    const second = await startEngine({ env });
    try {
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 90_000);

  it("leaves a running engine's embedded PostgreSQL alone when a second engine on its home migrates or cannot listen", async () => {
    const sharedHome = path.join(home, 'shared');
    const env = { DATA_PROVIDER: '', DATABASE_URL: '', ENCRYPTION_KEY: '', FORPROMPT_HOME: sharedHome, EMBEDDED_PG_PORT: String(await findFreePort()) };
    const running = await startEngine({ env });
    let postmasterPid: number;
    try {
      postmasterPid = Number((await fs.readFile(path.join(sharedHome, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      expect((await runEngineToExit(env, ['--migrate-only'])).code).toBe(0);
      expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
      const taken = await runEngineToExit({ ...env, PORT: new URL(running.url).port });
      expect(taken.code).toBe(1);
      expect(taken.output).toContain('Cannot listen');
      expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
      expect(isProcessAlive(postmasterPid)).toBe(true);
    } finally {
      await running.stop();
    }
    // The last engine using it stops it.
    expect(isProcessAlive(postmasterPid!)).toBe(false);
  }, 90_000);

  it('stops the embedded PostgreSQL it was starting when interrupted during boot', async () => {
    const interruptedHome = path.join(home, 'interrupted');
    const child = spawn(process.execPath, [engineEntry], {
      env: { ...process.env, DATA_PROVIDER: '', DATABASE_URL: '', ENCRYPTION_KEY: '', FORPROMPT_HOME: interruptedHome, EMBEDDED_PG_PORT: String(await findFreePort()), PORT: String(await findFreePort()), LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    // Interrupt while the database is being initialised, before the engine listens.
    await expect.poll(() => fsSync.existsSync(path.join(interruptedHome, 'pg')), { timeout: 20_000, interval: 20 }).toBe(true);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    const leftovers = fsSync
      .readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return fsSync.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(interruptedHome);
        } catch {
          return false;
        }
      });
    expect(leftovers).toEqual([]);
  }, 60_000);
});
