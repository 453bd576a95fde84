import fs from 'node:fs/promises';
import path from 'node:path';
import type { ProcessIdentity } from './access.js';

const MAX_LOG_BYTES = 10 * 1024 * 1024;
const TAIL_BYTES = 64 * 1024;

/**
 * Opens the server log for appending, after moving it to `postgres.log.1` when it has grown past
 * 10 MB. The caller passes the descriptor to the children and closes its own copy.
 */
export async function openServerLog(logFile: string, owner: ProcessIdentity | undefined): Promise<fs.FileHandle> {
  await fs.mkdir(path.dirname(logFile), { recursive: true });
  const size = await fs.stat(logFile).then((stats) => stats.size, () => 0);
  if (size > MAX_LOG_BYTES) await fs.rename(logFile, `${logFile}.1`);
  const handle = await fs.open(logFile, 'a', 0o640);
  if (owner) await handle.chown(owner.uid, owner.gid);
  return handle;
}

/** The last lines written since byte `since` (this start's output), for error messages. */
export async function readLogTail(logFile: string, since = 0, lineCount = 20): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(logFile, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.max(0, Math.min(size - since, TAIL_BYTES));
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lineCount).join('\n');
  } finally {
    await handle.close();
  }
}
