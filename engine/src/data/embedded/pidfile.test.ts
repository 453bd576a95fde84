import { describe, expect, it } from 'vitest';
import { isPostmasterFor, isProcessAlive, looksLikePostgres, parsePostmasterPid } from './pidfile.js';

describe('parsePostmasterPid', () => {
  it('reads the pid and the port of a postmaster.pid', () => {
    const content = '4242\n/data/pg\n1700000000\n54329\n\n127.0.0.1\n  1234   5678\nready   \n';
    expect(parsePostmasterPid(content)).toEqual({ pid: 4242, port: 54329 });
  });

  it('tolerates a lock file cut short by a crash', () => {
    expect(parsePostmasterPid('4242\n')).toEqual({ pid: 4242, port: undefined });
    expect(parsePostmasterPid('')).toBeUndefined();
  });
});

describe('isPostmasterFor', () => {
  const dataDir = '/home/a b/.forprompt/pg';

  it('recognises the postmaster we spawn for this data directory', () => {
    expect(isPostmasterFor(`/opt/native/bin/postgres -D ${dataDir} -h 127.0.0.1 -p 54329`, dataDir)).toBe(true);
    expect(isPostmasterFor(`postgres -D ${dataDir}`, dataDir)).toBe(true);
  });

  it('does not mistake another data directory or program for ours', () => {
    expect(isPostmasterFor(`/opt/bin/postgres -D ${dataDir}2 -p 1`, dataDir)).toBe(false);
    expect(isPostmasterFor(`/usr/bin/node server.js -D ${dataDir}`, dataDir)).toBe(false);
  });
});

describe('looksLikePostgres', () => {
  it('matches postmasters and their retitled children only', () => {
    expect(looksLikePostgres('/usr/lib/postgresql/16/bin/postgres -D /var/lib/pg')).toBe(true);
    expect(looksLikePostgres('postgres: checkpointer ')).toBe(true);
    expect(looksLikePostgres('/usr/bin/sleep 30')).toBe(false);
    expect(looksLikePostgres('/usr/bin/postgres-exporter')).toBe(false);
  });
});

describe('isProcessAlive', () => {
  it('is true for this process and false for a pid nobody has', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 1)).toBe(false);
  });
});
