import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import tar from 'tar-stream';

/**
 * Test helper: rewrites a (small) archive entry by entry; `change` returns the new content, or null
 * to leave the entry out. Sizes follow the new content, so only the manifest can tell.
 */
export async function rewriteArchive(from: string, to: string, change: (name: string, content: Buffer) => Buffer | null): Promise<void> {
  const extract = tar.extract();
  const entries: { name: string; content: Buffer }[] = [];
  extract.end(await promisify(zlib.gunzip)(await fs.readFile(from)));
  for await (const entry of extract) {
    const parts: Buffer[] = [];
    for await (const chunk of entry) parts.push(chunk as Buffer);
    const content = change(entry.header.name, Buffer.concat(parts));
    if (content) entries.push({ name: entry.header.name, content });
  }
  const pack = tar.pack();
  for (const entry of entries) pack.entry({ name: entry.name }, entry.content);
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const chunk of pack) parts.push(chunk as Buffer);
  await fs.writeFile(to, await promisify(zlib.gzip)(Buffer.concat(parts)));
}
