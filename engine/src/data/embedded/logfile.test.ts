import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openServerLog, readLogTail } from './logfile.js';

let directory = '';
afterEach(async () => {
  if (directory) await fs.rm(directory, { recursive: true, force: true });
});

describe('server log', () => {
  it('moves a log over 10 MB aside before appending', async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'forprompt-log-'));
    const logFile = path.join(directory, 'logs', 'postgres.log');
    await fs.mkdir(path.dirname(logFile));
    await fs.writeFile(logFile, Buffer.alloc(11 * 1024 * 1024, 'x'));

    const handle = await openServerLog(logFile, undefined);
    await handle.write('fresh\n');
    await handle.close();

    expect((await fs.stat(`${logFile}.1`)).size).toBe(11 * 1024 * 1024);
    expect(await fs.readFile(logFile, 'utf8')).toBe('fresh\n');
  });

  it('returns the last lines written since an offset', async () => {
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'forprompt-log-'));
    const logFile = path.join(directory, 'postgres.log');
    const earlier = 'old run\n';
    const lines = Array.from({ length: 30 }, (_, index) => `line ${index}`);
    await fs.writeFile(logFile, `${earlier}${lines.join('\n')}\n`);

    expect(await readLogTail(logFile, earlier.length)).toBe(lines.slice(-20).join('\n'));
    expect(await readLogTail(logFile, earlier.length, 100)).toBe(lines.join('\n'));
    expect(await readLogTail(path.join(directory, 'missing.log'))).toBe('');
    expect(existsSync(logFile)).toBe(true);
  });
});
