import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { followDockerStream } from '../../src/core/pull.js';
import { TEST_LABEL } from './resources.js';

/** One entry of a Docker build context: its path inside the context and where its bytes come from. */
export type ContextEntry =
  | { kind: 'file'; path: string; source: string; size: number; mode: number }
  | { kind: 'text'; path: string; text: string; mode: number }
  | { kind: 'symlink'; path: string; target: string };

/** The label holding the hash of everything an image was built from; equal hash → no rebuild. */
export const CONTENT_HASH_LABEL = 'com.forprompt.test.content-hash';

/** A host file copied into the context; symlinks are followed (ldd names libraries by their links). */
export async function hostFile(path: string, source: string, mode?: number): Promise<ContextEntry> {
  const stats = await stat(source);
  return { kind: 'file', path, source, size: stats.size, mode: mode ?? stats.mode & 0o7777 };
}

export function textFile(path: string, text: string, mode = 0o644): ContextEntry {
  return { kind: 'text', path, text, mode };
}

export function symlink(path: string, target: string): ContextEntry {
  return { kind: 'symlink', path, target };
}

/** A host directory copied recursively; symlinks stay symlinks (the ICU libraries would triple otherwise). */
export async function hostTree(path: string, sourceDir: string, keep: (relativePath: string) => boolean = () => true) {
  const entries: ContextEntry[] = [];
  for (const name of (await readdir(sourceDir, { recursive: true })).sort()) {
    const relativePath = name.split(sep).join('/');
    if (!keep(relativePath)) continue;
    const source = join(sourceDir, name);
    const stats = await lstat(source);
    if (stats.isSymbolicLink()) entries.push({ kind: 'symlink', path: `${path}/${relativePath}`, target: await readlink(source) });
    else if (stats.isFile()) entries.push({ kind: 'file', path: `${path}/${relativePath}`, source, size: stats.size, mode: stats.mode & 0o7777 });
  }
  return entries;
}

/**
 * The shared libraries `ldd` resolves for the binaries, as the absolute paths the dynamic loader
 * will look for (the interpreter /lib64/ld-linux-x86-64.so.2 included), minus those under `ownLibDir`
 * (binaries that carry their libraries find them through their RUNPATH).
 */
export async function sharedLibraries(binaries: string[], ownLibDir?: string): Promise<string[]> {
  // ldd exits with 1 when one of the files is static ("not a dynamic executable"); its output still counts.
  const stdout = await promisify(execFile)('ldd', binaries).then(
    (result) => result.stdout,
    (error: { stdout?: string; stderr?: string; message: string }) => {
      if (error.stderr?.includes('not a dynamic executable') && error.stdout) return error.stdout;
      throw new Error(`ldd ${binaries.join(' ')} failed: ${error.message}`);
    },
  );
  const libraries = new Set<string>();
  for (const line of stdout.split('\n')) {
    if (line.includes('not found')) throw new Error(`ldd cannot resolve a library: ${line.trim()}`);
    const path = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1];
    if (path && !(ownLibDir && isInside(ownLibDir, path))) libraries.add(path);
  }
  return [...libraries].sort();
}

function isInside(dir: string, path: string): boolean {
  const fromDir = relative(dir, path);
  return fromDir !== '' && !fromDir.startsWith('..');
}

/** SHA-256 over every entry's path, mode and bytes: the image is rebuilt exactly when an input changed. */
export async function contentHash(entries: ContextEntry[]): Promise<string> {
  const hash = createHash('sha256');
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    hash.update(`${entry.kind}\0${entry.path}\0`);
    if (entry.kind === 'symlink') hash.update(entry.target);
    else if (entry.kind === 'text') hash.update(`${entry.mode}\0${entry.text}`);
    else {
      hash.update(`${entry.mode}\0`);
      for await (const chunk of createReadStream(entry.source)) hash.update(chunk as Buffer);
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The context as a tar stream, written entry by entry (the Ollama image carries a 100 MB node binary). */
export function packContext(entries: ContextEntry[]): Readable {
  const pack = tar.pack();
  // tar-stream streams are streamx streams; dockerode wants a Node stream.
  const context = Readable.from(pack, { objectMode: false });
  void (async () => {
    for (const entry of entries) {
      const header = { name: entry.path, uid: 0, gid: 0, mtime: new Date(0) };
      if (entry.kind === 'symlink') pack.entry({ ...header, type: 'symlink', linkname: entry.target });
      else if (entry.kind === 'text') pack.entry({ ...header, mode: entry.mode }, entry.text);
      else await packFile(pack, { ...header, mode: entry.mode, size: entry.size }, entry.source);
    }
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  return context;
}

function packFile(pack: tar.Pack, header: Parameters<tar.Pack['entry']>[0], source: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    createReadStream(source).on('error', reject).pipe(entry);
  });
}

export interface ImageRecipe {
  name: string;
  /** Must contain `Dockerfile`. */
  entries: ContextEntry[];
}

/** Builds the image unless one with the same content hash already carries its name. Returns whether it built. */
export async function buildImageOnce(docker: Docker, recipe: ImageRecipe): Promise<boolean> {
  const hash = await contentHash(recipe.entries);
  const existing = await docker.getImage(recipe.name).inspect().catch(() => undefined);
  if (existing?.Config.Labels?.[CONTENT_HASH_LABEL] === hash) return false;
  const output = await docker.buildImage(packContext(recipe.entries), {
    t: recipe.name,
    labels: { [CONTENT_HASH_LABEL]: hash, [TEST_LABEL]: '1' },
    rm: true,
    forcerm: true,
  });
  const events = await followDockerStream(docker, output).catch((error: Error) => {
    throw new Error(`Building the test image ${recipe.name} failed: ${error.message}`);
  });
  const built = await docker.getImage(recipe.name).inspect();
  if (built.Config.Labels?.[CONTENT_HASH_LABEL] !== hash) {
    throw new Error(`Building the test image ${recipe.name} did not tag it:\n${events.map((e) => e.stream ?? '').join('')}`);
  }
  // The previous build of this name is now untagged: drop it so rebuilds do not pile up (unless a container uses it).
  if (existing && existing.Id !== built.Id) await docker.getImage(existing.Id).remove().catch(() => undefined);
  return true;
}
