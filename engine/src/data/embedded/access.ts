import path from 'node:path';

/** What stat() says about a path, as far as permission checks go. */
export interface PathModeInfo {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

/** The identity a child process runs with (spawn clears supplementary groups). */
export interface ProcessIdentity {
  uid: number;
  gid: number;
}

const READ = 4;
const EXECUTE = 1;

/**
 * The rwx bits that apply to `identity` for this path, the way the kernel picks them: owner class
 * if it owns the file, else group class if its group matches, else other — never a union.
 * ACLs are not considered, so a directory opened up with setfacl may still look closed here.
 */
export function applicableBits(info: PathModeInfo, identity: ProcessIdentity): number {
  if (identity.uid === 0) return 0o7;
  if (info.uid === identity.uid) return (info.mode >> 6) & 0o7;
  if (info.gid === identity.gid) return (info.mode >> 3) & 0o7;
  return info.mode & 0o7;
}

export function canTraverse(directory: PathModeInfo, identity: ProcessIdentity): boolean {
  return (applicableBits(directory, identity) & EXECUTE) !== 0;
}

/** The directories in `ancestors` that `identity` cannot pass through, in order from the root. */
export function untraversableDirectories(ancestors: PathModeInfo[], identity: ProcessIdentity): string[] {
  return ancestors.filter((directory) => !canTraverse(directory, identity)).map((directory) => directory.path);
}

/** Whether `identity` can execute `file` given the stat of every directory above it. */
export function canExecute(ancestors: PathModeInfo[], file: PathModeInfo, identity: ProcessIdentity): boolean {
  const bits = applicableBits(file, identity);
  const readableAndExecutable = (bits & (READ | EXECUTE)) === (READ | EXECUTE);
  return readableAndExecutable && untraversableDirectories(ancestors, identity).length === 0;
}

/** Every directory above an absolute path, root first: `/a/b/c` → `/`, `/a`, `/a/b`. */
export function ancestorDirectories(absolutePath: string): string[] {
  const directories: string[] = [];
  let current = path.dirname(path.resolve(absolutePath));
  for (;;) {
    directories.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) return directories;
    current = parent;
  }
}
