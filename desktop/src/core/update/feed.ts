import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { compareVersions } from './versions.js';

/** What a release feed answers: the newest version and where its bundle is. */
const feedSchema = z.object({ version: z.string(), bundle: z.string(), notes: z.string().optional() });

export type UpdateCheck = { available: false; current: string; latest: string } | { available: true; current: string; latest: string; bundleUrl: string; notes?: string };

/** Asks the feed for the newest version; never reports the installed version (or an older one) as an update. */
export async function checkFeed(feedUrl: string, current: string): Promise<UpdateCheck> {
  const response = await fetch(feedUrl, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`The release feed ${feedUrl} answered HTTP ${response.status}`);
  const parsed = feedSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new Error(`The release feed ${feedUrl} did not answer { version, bundle }`);
  const feed = parsed.data;
  if (compareVersions(feed.version, current) <= 0) return { available: false, current, latest: feed.version };
  return { available: true, current, latest: feed.version, bundleUrl: new URL(feed.bundle, feedUrl).toString(), notes: feed.notes };
}

/** Downloads a bundle the admin asked for into `directory`; returns its path. */
export async function downloadBundle(url: string, directory: string, signal?: AbortSignal): Promise<string> {
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`Downloading ${url} failed: HTTP ${response.status}`);
  await fs.promises.mkdir(directory, { recursive: true });
  const file = path.join(directory, path.basename(new URL(url).pathname) || 'update.fpupdate');
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), fs.createWriteStream(`${file}.partial`));
  await fs.promises.rename(`${file}.partial`, file);
  return file;
}
