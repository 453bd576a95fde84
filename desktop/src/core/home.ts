import os from 'node:os';
import path from 'node:path';

/** FORPROMPT_HOME, or the same per-platform default the engine uses (engine/src/config.ts). */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FORPROMPT_HOME) return path.resolve(env.FORPROMPT_HOME);
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'ForPrompt');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? os.homedir(), 'ForPrompt');
  if (process.getuid?.() === 0) return '/var/lib/forprompt';
  return path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'forprompt');
}

/** Where the manager keeps its own files (settings, secrets, task history, logs) inside the home. */
export function managerDir(home: string): string {
  return path.join(home, 'manager');
}
