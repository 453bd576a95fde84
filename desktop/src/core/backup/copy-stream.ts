import { createHash } from 'node:crypto';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { copyOutSql, type TableInfo } from './catalog.js';

/**
 * Session settings that make COPY text the same whatever the server's defaults and major version
 * (14–18): UTC ISO timestamps, the classic interval style, shortest exact floats (extra_float_digits
 * > 0), hex bytea, UTF-8. The restore sets them too, so it parses what the backup wrote.
 */
const PORTABLE_SESSION = [
  "set timezone = 'UTC'",
  "set datestyle = 'ISO, YMD'",
  "set intervalstyle = 'postgres'",
  'set extra_float_digits = 1',
  "set bytea_output = 'hex'",
  "set client_encoding = 'UTF8'",
  // A large table takes a while; the server's defaults for short requests must not cut it off.
  'set statement_timeout = 0',
  'set idle_in_transaction_session_timeout = 0',
].join('; ');

/** One connection with portable settings. An abort closes it, which fails whatever is in flight. */
export interface Session {
  client: pg.Client;
  close(): Promise<void>;
}

export async function openSession(databaseUrl: string, applicationName: string, signal?: AbortSignal): Promise<Session> {
  signal?.throwIfAborted();
  const client = new pg.Client({ connectionString: databaseUrl, application_name: applicationName });
  // Errors reach the statement in flight; without a listener a dropped connection would crash the process.
  client.on('error', () => {});
  // end() during a query destroys the socket; the server then rolls back what was not committed.
  const onAbort = (): void => void client.end().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  const close = async (): Promise<void> => {
    signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => {});
  };
  try {
    await client.connect();
    await client.query(PORTABLE_SESSION);
  } catch (error) {
    await close();
    signal?.throwIfAborted();
    throw error;
  }
  return { client, close };
}

/** Counts, sizes and hashes COPY text as it streams past (a row is one line in COPY text format). */
export class CopyDigest extends Transform {
  rows = 0;
  bytes = 0;
  private readonly hash = createHash('sha256');
  private hex: string | undefined;

  constructor(private readonly onChunk?: (digest: CopyDigest) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, newline + 1)) this.rows++;
    this.onChunk?.(this);
    callback(null, chunk);
  }

  /** The SHA-256 (hex) of everything that passed; read it once the stream has finished. */
  get sha256(): string {
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }
}

export const discard = (): Writable => new Writable({ write: (_chunk, _encoding, callback) => callback() });

/** Streams one table's COPY text into `sink` (a spool file, or nowhere to only checksum it). */
export async function exportTable(
  client: pg.ClientBase,
  table: TableInfo,
  sink: Writable,
  options: { columns?: string[]; signal?: AbortSignal; onChunk?: (digest: CopyDigest) => void } = {},
): Promise<CopyDigest> {
  const digest = new CopyDigest(options.onChunk);
  const copy = client.query(copyTo(copyOutSql(table, options.columns)));
  await pipeline(copy, digest, sink, options.signal ? { signal: options.signal } : {});
  return digest;
}
