#!/usr/bin/env node
/** `forprompt-manager`: the manager's operations, headless. More commands arrive with the desktop issue. */
import os from 'node:os';
import path from 'node:path';
import { probeEngine } from './core/index.js';

function defaultHome(): string {
  if (process.env.FORPROMPT_HOME) return path.resolve(process.env.FORPROMPT_HOME);
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'ForPrompt');
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA ?? os.homedir(), 'ForPrompt');
  if (process.getuid?.() === 0) return '/var/lib/forprompt';
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'forprompt');
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  const json = argv.includes('--json');
  if (command === 'status') {
    const status = await probeEngine(defaultHome());
    if (json) console.log(JSON.stringify(status));
    else if (status.state === 'stopped') console.log(`Stopped: ${status.reason}`);
    else console.log(`${status.state}: ${status.runtime.url} (${status.runtime.dataProvider}, v${status.runtime.version})${status.detail ? ` — ${status.detail}` : ''}`);
    return status.state === 'running' ? 0 : 1;
  }
  console.error('Usage: forprompt-manager status [--json]');
  return 2;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
