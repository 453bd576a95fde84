import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs a script in a fresh Node with the listener installed, as main.ts installs it. */
function runWithListener(rejection: string): { status: number | null; stdout: string; stderr: string } {
  const script = `
    const { unhandledRejectionListener } = await import(${JSON.stringify(new URL('./unhandled-rejections.ts', import.meta.url).href)});
    const { createLogger } = await import(${JSON.stringify(new URL('./logger.ts', import.meta.url).href)});
    process.on('unhandledRejection', unhandledRejectionListener(createLogger('info')));
    Promise.reject(${rejection});
    setTimeout(() => console.log('still running'), 50);
  `;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the engine process on an unhandled rejection', () => {
  it('keeps running when background work lost the database (as pg-boss leaves it), and says so', () => {
    const refused = runWithListener("Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })");
    expect(refused.status).toBe(0);
    expect(refused.stdout).toContain('still running');
    expect(refused.stdout).toContain('lost database connection');
    const terminated = runWithListener("new Error('Connection terminated unexpectedly')");
    expect(terminated.stdout).toContain('still running');
  });

  it('ends the process on any other unhandled rejection, as Node does', () => {
    const bug = runWithListener("new TypeError('x is not a function')");
    expect(bug.status).not.toBe(0);
    expect(bug.stdout).not.toContain('still running');
    expect(bug.stderr).toContain('x is not a function');
    // Another server's reset connection, as fetch reports it, is not the database's.
    const fetchFailed = runWithListener("new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })");
    expect(fetchFailed.status).not.toBe(0);
    expect(fetchFailed.stderr).toContain('fetch failed');
  });
});
