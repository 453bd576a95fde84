import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema/index.js';
import { StartupError } from '../../errors.js';
import type { Logger } from '../../logger.js';

export type Database = NodePgDatabase<typeof schema>;
/** A transaction handle as drizzle passes it to `db.transaction(fn)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface PoolOptions {
  max?: number;
  applicationName?: string;
  /** Cancels a statement running longer (sent when connecting, so it costs no round trip). */
  statementTimeoutMs?: number;
}

export function createPool(connectionString: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    ...(options.statementTimeoutMs !== undefined && { statement_timeout: options.statementTimeoutMs }),
    idleTimeoutMillis: 30_000,
    // Waiting longer for a pooled client would only hold requests in memory: past this the request
    // fails with "timeout exceeded when trying to connect", answered 503 with Retry-After.
    connectionTimeoutMillis: 5_000,
    application_name: options.applicationName ?? 'forprompt-engine',
  });
  // An idle client losing its server (restart, network) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // A checked-out client has no listener of the pool's: one losing its server between two statements
  // (PostgreSQL stopped mid-transaction) would emit an unhandled 'error' and kill the process. The
  // statement in flight fails on its own, and the pool discards the broken client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export function createDatabase(pool: pg.Pool): Database {
  return drizzle(pool, { schema });
}

/** The pool a Database was made with (createDatabase), for work that needs one connection of its own. */
export function poolOf(db: Database): pg.Pool {
  return (db as unknown as { $client: pg.Pool }).$client;
}

/** Where a failure came from: drizzle wraps driver errors, so look through `cause`. */
export function pgErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// pg's own failures carry no code: a connection lost mid-query, a client left unusable by one, or
// no pooled client within connectionTimeoutMillis (the pool busy, or the server not answering).
const UNAVAILABLE_MESSAGES = [/^Connection terminated/, /is not queryable/, /timeout exceeded when trying to connect/];

/** True when a failure says the database is away or busy rather than that the query was wrong. */
export function isConnectionFailure(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Codes of a database that is away (a network error, or the server refusing or ending the session). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** True when a failure says the database cannot be reached or used now (by its code or pg's message). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = pgErrorCode(error);
  return (code !== undefined && UNAVAILABLE_CODES.has(code)) || isConnectionFailure(error);
}

/**
 * As isDatabaseUnavailable, but only by the error's own code, not one it wraps: a socket error the
 * pg driver passed on as it was, not e.g. `fetch failed` caused by another server's reset connection.
 */
export function isOwnDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || isConnectionFailure(error);
}

export function isUniqueViolation(error: unknown): boolean {
  return pgErrorCode(error) === '23505';
}

/** Describes a URL for logs without its password. */
export function describeDatabaseUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'the configured database';
  }
}

const FATAL_CODES: Record<string, string> = {
  '28P01': 'password authentication failed — check the user and password in DATABASE_URL',
  '28000': 'the server refused this user — check pg_hba.conf and the user in DATABASE_URL',
  '3D000': 'the database does not exist — create it (CREATE DATABASE …) or fix the name in DATABASE_URL',
};

/** What `pg_isready` would say about a failed connection attempt. */
function readiness(error: unknown): string {
  const code = pgErrorCode(error);
  if (code === '57P03') return 'rejecting connections (the server is starting up)';
  if (code === 'ECONNREFUSED') return 'no response (connection refused)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'no response (host name not found)';
  if (code === 'ETIMEDOUT') return 'no response (timed out)';
  return `no response (${error instanceof Error ? error.message : String(error)})`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * Waits for the database to accept connections: retries with exponential backoff (0.25 s doubling to
 * 5 s) for up to `timeoutMs`, then gives up with a message saying what the server last answered.
 * Errors retrying cannot fix (bad password, missing database) stop at once.
 */
export async function waitForDatabase(connectionString: string, timeoutMs: number, logger: Logger, signal?: AbortSignal): Promise<void> {
  const target = describeDatabaseUrl(connectionString);
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.query('select 1');
      if (attempt > 0) logger.info({ target }, 'PostgreSQL is accepting connections');
      return;
    } catch (error) {
      const code = pgErrorCode(error);
      if (code && FATAL_CODES[code]) throw new StartupError(`Cannot use PostgreSQL at ${target}: ${FATAL_CODES[code]}.`);
      const status = readiness(error);
      if (Date.now() >= deadline) {
        throw new StartupError(
          `PostgreSQL at ${target} is not reachable after ${Math.round(timeoutMs / 1000)} s: ${status}. ` +
            'Check that the server is running (pg_isready -h <host> -p <port>) and that DATABASE_URL is right.',
        );
      }
      const delay = Math.min(250 * 2 ** attempt, 5_000, Math.max(deadline - Date.now(), 0));
      logger.warn({ target, status, retryInMs: delay }, `Waiting for PostgreSQL at ${target}: ${status}`);
      await sleep(delay, signal);
      if (signal?.aborted) throw new StartupError('Stopped while waiting for PostgreSQL');
    } finally {
      await client.end().catch(() => {});
    }
  }
}
