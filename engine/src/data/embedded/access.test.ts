import { describe, expect, it } from 'vitest';
import { ancestorDirectories, canExecute, canTraverse, untraversableDirectories, type PathModeInfo } from './access.js';

const pgUser = { uid: 999, gid: 998 };
const directory = (path: string, mode: number, uid = 0, gid = 0): PathModeInfo => ({ path, mode: 0o040000 | mode, uid, gid });
const file = (path: string, mode: number, uid = 0, gid = 0): PathModeInfo => ({ path, mode: 0o100000 | mode, uid, gid });

describe('canTraverse', () => {
  it('lets anyone through a 0755 directory', () => {
    expect(canTraverse(directory('/usr', 0o755), pgUser)).toBe(true);
  });

  it('keeps others out of a 0700 home such as /root', () => {
    expect(canTraverse(directory('/root', 0o700), pgUser)).toBe(false);
  });

  it('uses the owner bits for the owner, even when others may pass', () => {
    expect(canTraverse(directory('/odd', 0o611, pgUser.uid), pgUser)).toBe(false);
    expect(canTraverse(directory('/own', 0o700, pgUser.uid), pgUser)).toBe(true);
  });

  it('uses the group bits for members of the group, not the other bits', () => {
    expect(canTraverse(directory('/shared', 0o710, 0, pgUser.gid), pgUser)).toBe(true);
    expect(canTraverse(directory('/denied', 0o701, 0, pgUser.gid), pgUser)).toBe(false);
  });

  it('lets others through on o+x alone', () => {
    expect(canTraverse(directory('/home/alice', 0o701, 1000, 1000), pgUser)).toBe(true);
  });

  it('lets root through anything', () => {
    expect(canTraverse(directory('/root', 0o700, 1000, 1000), { uid: 0, gid: 0 })).toBe(true);
  });
});

describe('untraversableDirectories', () => {
  it('names exactly the directories that block the way, root first', () => {
    const ancestors = [directory('/', 0o755), directory('/root', 0o700), directory('/root/repo', 0o755), directory('/root/repo/x', 0o750)];
    expect(untraversableDirectories(ancestors, pgUser)).toEqual(['/root', '/root/repo/x']);
  });
});

describe('canExecute', () => {
  const open = [directory('/', 0o755), directory('/opt', 0o755)];

  it('accepts a 0755 binary under open directories', () => {
    expect(canExecute(open, file('/opt/postgres', 0o755), pgUser)).toBe(true);
  });

  it('rejects a binary under a 0700 directory', () => {
    expect(canExecute([...open, directory('/opt/root-only', 0o700)], file('/opt/root-only/postgres', 0o755), pgUser)).toBe(false);
  });

  it('rejects a binary others may not read and execute', () => {
    expect(canExecute(open, file('/opt/postgres', 0o750), pgUser)).toBe(false);
    expect(canExecute(open, file('/opt/postgres', 0o751), pgUser)).toBe(false);
  });
});

describe('ancestorDirectories', () => {
  it('lists every directory above a path, root first', () => {
    expect(ancestorDirectories('/root/.forprompt/pg')).toEqual(['/', '/root', '/root/.forprompt']);
    expect(ancestorDirectories('/pg')).toEqual(['/']);
  });
});
