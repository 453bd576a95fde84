import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { liveHolders, takeLease } from './leases.js';

const directories: string[] = [];
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => fs.rm(directory, { recursive: true, force: true })));
});

async function leasesDir(): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'forprompt-leases-'));
  directories.push(directory);
  return path.join(directory, 'pg-leases');
}

async function exitedPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
}

describe('embedded server leases', () => {
  it('makes the last live holder to release the one that stops the server', async () => {
    const directory = await leasesDir();
    const first = await takeLease(directory);
    const second = await takeLease(directory);
    expect(await liveHolders(directory)).toBe(2);
    expect(await second.release()).toEqual({ lastHolder: false });
    expect(await second.release()).toEqual({ lastHolder: false }); // idempotent
    expect(await first.release()).toEqual({ lastHolder: true });
    expect(await fs.readdir(directory)).toEqual([]);
  });

  it('counts for nothing the lease of a process that is gone, or of an older process whose pid was reused', async () => {
    const directory = await leasesDir();
    const mine = await takeLease(directory);
    await fs.writeFile(path.join(directory, 'killed.json'), JSON.stringify({ pid: await exitedPid(), startedAt: null }));
    await fs.writeFile(path.join(directory, 'before-reboot.json'), JSON.stringify({ pid: process.pid, startedAt: '1' }));
    await fs.writeFile(path.join(directory, 'damaged.json'), '{"pid":');
    expect(await mine.release()).toEqual({ lastHolder: true });
    expect(await fs.readdir(directory)).toEqual([]);
  });
});
