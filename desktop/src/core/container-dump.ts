import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Stack } from './stack.js';

/**
 * The second backup format of container mode (issue 8): a pg_dump custom-format archive made and read
 * by the PostgreSQL container's own pg_dump and pg_restore, so it never depends on the host's client
 * version. The file always passes through stdin/stdout of `docker exec`, never into the container.
 */

/** What every pg_dump custom-format archive starts with. */
const DUMP_MAGIC = 'PGDMP';
const PROGRESS_EVERY_MS = 250;

export class DumpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DumpError';
  }
}

/** Does the file start like a pg_dump custom-format archive? */
export async function isCustomFormatDump(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(DUMP_MAGIC.length), 0, DUMP_MAGIC.length, 0);
    return bytesRead === DUMP_MAGIC.length && buffer.toString('latin1') === DUMP_MAGIC;
  } finally {
    await handle.close();
  }
}

export interface DumpProgress {
  signal?: AbortSignal;
  /** Bytes written (dump) or read (restore) so far, a few times a second. */
  onBytes?: (bytes: number) => void;
}

/**
 * Dumps `database` with the container's pg_dump into `outFile`: streamed into `<outFile>.partial`,
 * checked by its exit code, read back whole by the container's pg_restore, then renamed. The partial
 * file is removed on failure and on cancel.
 */
export async function writeContainerDump(stack: Stack, database: string, outFile: string, options: DumpProgress = {}): Promise<{ file: string; bytes: number }> {
  const partial = `${outFile}.partial`;
  await fs.mkdir(path.dirname(outFile), { recursive: true });
  const sink = createWriteStream(partial, { mode: 0o600 });
  const timer = setInterval(() => options.onBytes?.(sink.bytesWritten), PROGRESS_EVERY_MS);
  try {
    const dumped = await stack.execPostgres(['pg_dump', '--format=custom', '--no-password', `--dbname=${database}`], { stdout: sink, signal: options.signal });
    if (dumped.exitCode !== 0) throw new DumpError(`pg_dump in the ${stack.containerName('postgres')} container failed (exit code ${dumped.exitCode}): ${dumped.stderr}`);
    options.onBytes?.(sink.bytesWritten);
    await verifyContainerDump(stack, partial, options.signal);
    await fs.rename(partial, outFile);
    return { file: outFile, bytes: (await fs.stat(outFile)).size };
  } catch (error) {
    sink.destroy();
    await fs.rm(partial, { force: true });
    throw error;
  } finally {
    clearInterval(timer);
  }
}

/**
 * Reads a dump whole with the container's pg_restore before it is trusted: its table of contents
 * (`--list`), then every data block (`--file=/dev/null`), so a damaged or truncated file is refused.
 */
export async function verifyContainerDump(stack: Stack, file: string, signal?: AbortSignal): Promise<void> {
  if (!(await isCustomFormatDump(file))) throw new DumpError(`${file} is not a pg_dump custom-format archive (it does not start with ${DUMP_MAGIC})`);
  const listed = await stack.execPostgres(['pg_restore', '--list'], { stdin: createReadStream(file), signal });
  if (listed.exitCode !== 0) throw new DumpError(`${file} is damaged: pg_restore --list cannot read its table of contents: ${listed.stderr}`);
  const read = await stack.execPostgres(['pg_restore', '--file=/dev/null'], { stdin: createReadStream(file), signal });
  if (read.exitCode !== 0) throw new DumpError(`${file} is damaged or incomplete: pg_restore cannot read it to the end: ${read.stderr}`);
}

/**
 * Loads a dump into `database` (new and empty) with the container's pg_restore reading the file from
 * stdin: in one transaction (all or nothing), everything owned by the stack's user and without the
 * source's grants (a dump from another server may name roles this one does not have).
 */
export async function restoreContainerDump(stack: Stack, file: string, database: string, options: DumpProgress = {}): Promise<void> {
  const input = createReadStream(file);
  const timer = setInterval(() => options.onBytes?.(input.bytesRead), PROGRESS_EVERY_MS);
  try {
    const command = ['pg_restore', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', '--no-password', `--dbname=${database}`];
    const restored = await stack.execPostgres(command, { stdin: input, signal: options.signal });
    if (restored.exitCode !== 0) throw new DumpError(`pg_restore in the ${stack.containerName('postgres')} container failed (exit code ${restored.exitCode}): ${restored.stderr}`);
  } finally {
    clearInterval(timer);
  }
}
