import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import tarFs from 'tar-fs';
import { z } from 'zod';
import { stackManifestSchema } from '../stack-manifest.js';
import { throwIfCancelled } from '../tasks.js';

/**
 * `.fpupdate`: an update for air-gapped installs. A tar holding `update.json` (what it contains, with
 * SHA-256 sums), `update.json.sig` (Ed25519 over update.json, checked against the public key shipped
 * with the app), `app.tar.gz` (the new app) and `images/*.tar` (container images, `docker save` format).
 */
export const UPDATE_FORMAT_VERSION = 1;
const MANIFEST = 'update.json';
const SIGNATURE = 'update.json.sig';
const APP = 'app.tar.gz';

const fileSchema = z.object({ name: z.string().regex(/^(app\.tar\.gz|images\/[a-z0-9._-]+\.tar)$/), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() });
export const updateManifestSchema = z.object({
  formatVersion: z.literal(UPDATE_FORMAT_VERSION),
  appVersion: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'a semantic version'),
  createdAt: z.iso.datetime(),
  /** The images the new version runs (pinned), and the file each is loaded from. */
  stack: stackManifestSchema,
  images: z.array(z.object({ file: z.string(), ref: z.string() })),
  files: z.array(fileSchema),
});
export type UpdateManifest = z.infer<typeof updateManifestSchema>;

export class UpdateBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateBundleError';
  }
}

export interface CreateBundleOptions {
  out: string;
  appVersion: string;
  /** The new app's folder (engine, UI, migrations, …), packed as app.tar.gz. */
  appDir: string;
  stack: UpdateManifest['stack'];
  /** `docker save` tars to ship, with the image reference each holds. */
  images: { ref: string; tarFile: string }[];
  privateKey: KeyObject | string;
}

/** Writes a signed bundle (for release scripts and tests). */
export async function createUpdateBundle(options: CreateBundleOptions): Promise<UpdateManifest> {
  const staging = await fsp.mkdtemp(path.join(path.dirname(options.out), '.fpupdate-'));
  try {
    const appTar = path.join(staging, APP);
    await pipeline(tarFs.pack(options.appDir), zlib.createGzip({ level: 6 }), fs.createWriteStream(appTar));
    const parts = [{ name: APP, file: appTar }, ...options.images.map((image, index) => ({ name: `images/image-${index}.tar`, file: image.tarFile }))];
    const files = await Promise.all(parts.map(async (part) => ({ name: part.name, ...(await digestFile(part.file)) })));
    const manifest: UpdateManifest = {
      formatVersion: UPDATE_FORMAT_VERSION,
      appVersion: options.appVersion,
      createdAt: new Date().toISOString(),
      stack: options.stack,
      images: options.images.map((image, index) => ({ file: `images/image-${index}.tar`, ref: image.ref })),
      files,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
    const signature = sign(null, manifestBytes, options.privateKey).toString('base64');
    const pack = tar.pack();
    const written = pipeline(pack, fs.createWriteStream(options.out));
    pack.entry({ name: MANIFEST }, manifestBytes);
    pack.entry({ name: SIGNATURE }, signature);
    for (const part of parts) {
      const size = (await fsp.stat(part.file)).size;
      await pipeline(fs.createReadStream(part.file), pack.entry({ name: part.name, size }));
    }
    pack.finalize();
    await written;
    return manifest;
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
}

async function digestFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Checks a bundle before anything is changed: the signature over update.json with the shipped public
 * key, then every file's size and SHA-256 while copying it into `stagingDir`. An unsigned, wrongly
 * signed or altered bundle is refused with an UpdateBundleError naming what was wrong.
 */
export async function verifyAndStageBundle(file: string, publicKey: KeyObject | string, stagingDir: string, signal?: AbortSignal): Promise<UpdateManifest> {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const extract = tar.extract();
  const source = fs.createReadStream(file);
  source.on('error', (error) => extract.destroy(error));
  source.pipe(extract);
  const iterator = extract[Symbol.asyncIterator]();
  const next = async () => {
    const step = await iterator.next();
    return step.done ? undefined : step.value;
  };
  try {
    const manifestEntry = await next();
    if (!manifestEntry || manifestEntry.header.name !== MANIFEST) throw new UpdateBundleError(`${file} is not a ForPrompt update bundle (no ${MANIFEST} first)`);
    const manifestBytes = await readSmall(manifestEntry);
    const signatureEntry = await next();
    if (!signatureEntry || signatureEntry.header.name !== SIGNATURE) throw new UpdateBundleError(`${file} is not signed (no ${SIGNATURE}); unsigned updates are refused`);
    const signature = Buffer.from((await readSmall(signatureEntry)).toString('utf8').trim(), 'base64');
    if (!verify(null, manifestBytes, key, signature)) throw new UpdateBundleError(`${file} has an invalid signature: it was altered or not signed by ForPrompt; refused`);
    let json: unknown;
    try {
      json = JSON.parse(manifestBytes.toString('utf8'));
    } catch {
      throw new UpdateBundleError(`${file}: ${MANIFEST} is not JSON`);
    }
    const parsed = updateManifestSchema.safeParse(json);
    if (!parsed.success) throw new UpdateBundleError(`${file}: ${MANIFEST} is invalid (${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')})`);
    const manifest = parsed.data;
    await fsp.mkdir(path.join(stagingDir, 'images'), { recursive: true });
    const expected = new Map(manifest.files.map((entry) => [entry.name, entry]));
    for (let entry = await next(); entry; entry = await next()) {
      throwIfCancelled(signal);
      const listed = expected.get(entry.header.name);
      if (!listed) throw new UpdateBundleError(`${file} holds ${entry.header.name}, which its signed manifest does not list`);
      const hash = createHash('sha256');
      let bytes = 0;
      const digest = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(entry, digest, fs.createWriteStream(path.join(stagingDir, listed.name)));
      if (bytes !== listed.bytes || hash.digest('hex') !== listed.sha256) throw new UpdateBundleError(`${listed.name} in ${file} does not match its signed checksum: the bundle was altered or damaged; refused`);
      expected.delete(listed.name);
    }
    if (expected.size > 0) throw new UpdateBundleError(`${file} is missing ${[...expected.keys()].join(', ')}`);
    return manifest;
  } catch (error) {
    if (error instanceof UpdateBundleError) throw error;
    throwIfCancelled(signal);
    throw new UpdateBundleError(`${file} could not be read as an update bundle: ${(error as Error).message}`);
  } finally {
    source.destroy();
    extract.destroy();
  }
}

async function readSmall(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new UpdateBundleError('update.json is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Unpacks the staged app.tar.gz into `target` (which must not exist yet). */
export async function extractApp(stagingDir: string, target: string): Promise<void> {
  await pipeline(fs.createReadStream(path.join(stagingDir, APP)), zlib.createGunzip(), tarFs.extract(target));
}

