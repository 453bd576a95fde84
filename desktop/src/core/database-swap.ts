import pg from 'pg';
import { quoteIdentifier as quote } from './backup/catalog.js';
import { runEngineCommand } from './engine-process.js';
import type { Manager, OpenDatabase } from './manager.js';
import { probeEngine } from './runtime.js';
import { throwIfCancelled, type TaskContext } from './tasks.js';

/** How a restore fills the new database; both backup formats go through `replaceDatabase`. */
export interface RestoreSteps {
  /** Runs on the install's database before anything is created (e.g. verifying the file with the server's own tools). */
  check?(database: OpenDatabase): Promise<void>;
  /** Fills the new, empty database; returns the rows per table, read back from it. */
  load(target: { name: string; databaseUrl: string }): Promise<Record<string, number>>;
}

/**
 * Restores by replacement: loads into a new database `<db>_restore_<stamp>` while the engine still
 * serves, then stops the engine and swaps the databases by renaming — the current one kept as
 * `<db>_before_<stamp>` until the engine is up on the restored one, and put back if anything fails —
 * migrates and starts again. A stopped install is left stopped. Returns the rows per table.
 */
export async function replaceDatabase(manager: Manager, context: TaskContext, steps: RestoreSteps): Promise<Record<string, number>> {
  const wasRunning = (await probeEngine(manager.home)).state === 'running';
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  // Opened once: a stopped install's database stays open from the load through the switch.
  const database = await manager.openDatabase(context);
  let loaded: { name: string; tables: Record<string, number> };
  try {
    loaded = await loadIntoNewDatabase(database, stamp, steps);
    throwIfCancelled(context.signal);
  } catch (error) {
    await database.release();
    throw error;
  }
  await switchDatabases(manager, database, { restored: loaded.name, stamp, wasRunning }, context);
  return loaded.tables;
}

/** Creates `<db>_restore_<stamp>` and runs the steps; the new database is dropped again when anything fails. */
async function loadIntoNewDatabase(database: OpenDatabase, stamp: string, steps: RestoreSteps): Promise<{ name: string; tables: Record<string, number> }> {
  await steps.check?.(database);
  const name = `${new URL(database.databaseUrl).pathname.slice(1)}_restore_${stamp}`;
  const admin = await adminClient(database.databaseUrl);
  let created = false;
  try {
    await admin.query(`create database ${quote(name)}`);
    created = true;
    return { name, tables: await steps.load({ name, databaseUrl: withDatabase(database.databaseUrl, name) }) };
  } catch (error) {
    if (created) {
      // A cancelled load may still hold a connection (pg_restore in a container ends a moment later).
      await terminateConnections(admin, name).catch(() => {});
      await admin.query(`drop database if exists ${quote(name)}`).catch(() => {});
    }
    throw error;
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Stops the engine, renames current → `_before_`, restored → current, migrates, starts, drops the old one. Releases `opened`. */
async function switchDatabases(manager: Manager, opened: OpenDatabase, swap: { restored: string; stamp: string; wasRunning: boolean }, context: TaskContext): Promise<void> {
  const { restored, stamp, wasRunning } = swap;
  context.report({ message: 'Stopping the engine and switching databases' });
  const uncancellable: TaskContext = { signal: new AbortController().signal, report: context.report };
  let database = opened;
  if (wasRunning) {
    // The running engine's database goes with it (the embedded PostgreSQL stops with its engine): opened again once it is stopped.
    await opened.release();
    await manager.stopEngine();
    database = await manager.openDatabase(uncancellable);
  }
  const current = new URL(database.databaseUrl).pathname.slice(1);
  const previous = `${current}_before_${stamp}`;
  const admin = await adminClient(database.databaseUrl);
  let swapped = false;
  try {
    await terminateConnections(admin, current);
    await admin.query(`alter database ${quote(current)} rename to ${quote(previous)}`);
    await admin.query(`alter database ${quote(restored)} rename to ${quote(current)}`);
    swapped = true;
    context.report({ message: 'Migrating the restored database' });
    await migrateDatabase(manager, database.databaseUrl, [], uncancellable);
    await database.release();
    if (wasRunning) await manager.startEngine();
    await dropDatabase(database.databaseUrl, previous);
  } catch (error) {
    if (swapped) {
      context.report({ message: 'The restored database did not start; putting the previous one back' });
      await manager.stopEngine().catch(() => {});
      await terminateConnections(admin, current).catch(() => {});
      await admin.query(`alter database ${quote(current)} rename to ${quote(restored)}`).catch(() => {});
      await admin.query(`alter database ${quote(previous)} rename to ${quote(current)}`).catch(() => {});
    }
    await admin.query(`drop database if exists ${quote(restored)}`).catch(() => {});
    await database.release().catch(() => {});
    if (swapped && wasRunning) await manager.startEngine().catch(() => {});
    throw error;
  } finally {
    await admin.end().catch(() => {});
  }
}

/** Drops the database kept for a rollback, once the restored one serves (best effort; it only takes space). */
async function dropDatabase(databaseUrl: string, name: string): Promise<void> {
  const admin = await adminClient(databaseUrl).catch(() => undefined);
  if (!admin) return;
  await admin.query(`drop database if exists ${quote(name)}`).catch(() => {});
  await admin.end().catch(() => {});
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A connection to the server's `postgres` database (renames and drops cannot run inside the target). */
async function adminClient(databaseUrl: string): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  admin.on('error', () => {}); // a server stopping under us is reported by the next query instead
  await admin.connect();
  return admin;
}

/** The engine migrates `databaseUrl` (as an external database) with `--migrate-only` plus `extra`. */
export async function migrateDatabase(manager: Manager, databaseUrl: string, extra: string[], context: TaskContext): Promise<void> {
  const settings = await manager.settings();
  const launch = await manager.engineLaunch(settings, { kind: 'external', databaseUrl });
  await runEngineCommand(launch, ['--migrate-only', ...extra], { signal: context.signal, log: manager.logFile('engine') });
}

async function terminateConnections(admin: pg.Client, database: string): Promise<void> {
  await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
}
