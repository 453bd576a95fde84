import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * `FORPROMPT_HOME/runtime.json` tells the desktop manager and its CLI that an engine runs here and
 * where (see desktop/src/core/runtime.ts, which validates it). Written atomically; removed on shutdown.
 * It holds the database URL (with its password), so only its owner may read it.
 */
export interface RuntimeFile {
  pid: number;
  /** `serve`: the engine answers HTTP at `url`; `database`: only the database is up (`--database-only`). */
  mode: 'serve' | 'database';
  url?: string;
  dataProvider: string;
  databaseUrl?: string;
  stack: string;
  version: string;
  startedAt: string;
}

export async function writeRuntimeFile(home: string, runtime: RuntimeFile): Promise<void> {
  await fs.mkdir(home, { recursive: true });
  const file = path.join(home, 'runtime.json');
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(runtime, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temporary, file);
}

/** Removes the file only if it is still ours (another engine may have started since). */
export async function removeRuntimeFile(home: string): Promise<void> {
  const file = path.join(home, 'runtime.json');
  try {
    const current = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<RuntimeFile>;
    if (current.pid === process.pid) await fs.rm(file, { force: true });
  } catch {
    // Missing or unreadable: nothing of ours to remove.
  }
}
