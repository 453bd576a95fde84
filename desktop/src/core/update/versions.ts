import fs from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractApp } from './bundle.js';

/**
 * Installed app versions live side by side in `FORPROMPT_HOME/app/versions/<version>`; `app/current`
 * is a symlink switched with an atomic rename, so an update or a rollback is one step.
 */
export const appRoot = (home: string) => path.join(home, 'app');
const versionsDir = (home: string) => path.join(appRoot(home), 'versions');
const currentLink = (home: string) => path.join(appRoot(home), 'current');

/** The version this manager was built as (desktop/package.json). */
export const builtInVersion: string = (() => {
  const file = fileURLToPath(new URL('../../../package.json', import.meta.url));
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : '0.0.0';
})();

/** The version `app/current` points at, or undefined when the built-in app is in use. */
export async function installedVersion(home: string): Promise<string | undefined> {
  try {
    return path.basename(await fs.readlink(currentLink(home)));
  } catch {
    return undefined;
  }
}

export async function activeVersion(home: string): Promise<string> {
  return (await installedVersion(home)) ?? builtInVersion;
}

/** The engine to run: the installed update's, else the one shipped with the manager. */
export function installedEngineEntry(home: string): string | undefined {
  const entry = path.join(currentLink(home), 'engine', 'dist', 'main.js');
  return existsSync(entry) ? entry : undefined;
}

/** Unpacks a staged app beside the others (a leftover of a failed attempt is replaced). */
export async function installVersion(home: string, version: string, stagingDir: string): Promise<void> {
  const target = path.join(versionsDir(home), version);
  const partial = `${target}.partial-${process.pid}`;
  await fs.rm(partial, { recursive: true, force: true });
  await fs.mkdir(versionsDir(home), { recursive: true });
  await extractApp(stagingDir, partial);
  await fs.rm(target, { recursive: true, force: true });
  await fs.rename(partial, target);
}

/** Points `app/current` at `version` (undefined: back to the built-in app) in one rename. */
export async function switchVersion(home: string, version: string | undefined): Promise<void> {
  if (version === undefined) {
    await fs.rm(currentLink(home), { force: true });
    return;
  }
  const temporary = `${currentLink(home)}.${process.pid}.tmp`;
  await fs.rm(temporary, { force: true });
  await fs.symlink(path.join('versions', version), temporary);
  await fs.rename(temporary, currentLink(home));
}

/** -1, 0 or 1, comparing semantic versions (a pre-release sorts before its release; `beta.9` < `beta.10`). */
export function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const dash = version.indexOf('-');
    const core = dash < 0 ? version : version.slice(0, dash);
    return { numbers: core.split('.').map(Number), pre: dash < 0 ? undefined : version.slice(dash + 1).split('.') };
  };
  const left = parse(a);
  const right = parse(b);
  for (let index = 0; index < 3; index++) {
    const difference = (left.numbers[index] ?? 0) - (right.numbers[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  if (!left.pre || !right.pre) return left.pre ? -1 : right.pre ? 1 : 0;
  for (let index = 0; index < Math.max(left.pre.length, right.pre.length); index++) {
    const x = left.pre[index];
    const y = right.pre[index];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    if (numeric) return Math.sign(Number(x) - Number(y));
    return x < y ? -1 : 1;
  }
  return 0;
}
