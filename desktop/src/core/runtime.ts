import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { readJsonFile } from './files.js';

/**
 * `FORPROMPT_HOME/runtime.json`, written by whoever started the engine (the manager or a plain
 * `npm start`; see engine/src/system/runtime-file.ts): how the manager and its CLI find a running install.
 */
export const runtimeFileSchema = z.object({
  pid: z.number().int().positive(),
  mode: z.enum(['serve', 'database']).default('serve'),
  url: z.url().optional(),
  dataProvider: z.enum(['embedded', 'postgresql', 'convex']),
  databaseUrl: z.string().optional(),
  stack: z.string().optional(),
  version: z.string(),
  startedAt: z.iso.datetime(),
});
export type RuntimeFile = z.infer<typeof runtimeFileSchema>;

export type EngineStatus =
  | { state: 'stopped'; reason: string }
  | { state: 'starting' | 'running' | 'unhealthy'; runtime: RuntimeFile; detail?: string };

export async function readRuntimeFile(home: string): Promise<RuntimeFile | null> {
  return (await readJsonFile(path.join(home, 'runtime.json'), runtimeFileSchema)) ?? null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until `pid` has exited; false when it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(200);
  }
  return true;
}

/** Is an engine running for this home, and is it ready? Asks its `/readyz` with a short timeout. */
export async function probeEngine(home: string, timeoutMs = 2_000): Promise<EngineStatus> {
  const runtime = await readRuntimeFile(home);
  if (!runtime) return { state: 'stopped', reason: 'no engine has been started for this data directory' };
  if (!isAlive(runtime.pid)) return { state: 'stopped', reason: `the engine (pid ${runtime.pid}) is no longer running` };
  if (runtime.mode === 'database' || !runtime.url) return { state: 'stopped', reason: 'only the database is open (a backup or restore is running)' };
  try {
    const response = await fetch(new URL('/readyz', runtime.url), { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return { state: 'running', runtime };
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    return { state: 'unhealthy', runtime, detail: body?.error?.message ?? `HTTP ${response.status}` };
  } catch (error) {
    return { state: 'starting', runtime, detail: error instanceof Error ? error.message : String(error) };
  }
}
