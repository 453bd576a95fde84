import { ConfigurationError } from './errors.js';
import { isPromptData, type PromptData } from './prompt.js';

/** `GET /api/v1/snapshot`, and the file `forprompt pull` writes: every labelled version of a project. */
export interface SnapshotDocument {
  projectId?: string;
  prompts: PromptData[];
}

/** The document itself (e.g. an imported JSON file), or — in Node, Bun and Deno — the path of the file. */
export type SnapshotSource = SnapshotDocument | string;

/**
 * Every selector under which a resolved version can be asked for: each of its labels and its number,
 * spelt `label:production` and `version:3` as `getPrompt` spells what it asks for — one spelling for
 * every read and write of the caches (langfuse-js read and wrote under different keys).
 */
export function selectorKeysOf(data: PromptData): string[] {
  return [...data.labels.map((label) => `label:${label}`), `version:${data.version}`];
}

/** Reads a file without a static `node:` import, so browser bundles never see one. */
async function readTextFile(path: string): Promise<string> {
  const specifier = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as { readFile(path: string, encoding: 'utf8'): Promise<string> };
  return fs.readFile(path, 'utf8');
}

/**
 * The offline snapshot the caller configured, loaded on first use (a file is read then, never at
 * import) and indexed by prompt key and selector. Entries that are not prompts are skipped.
 */
export class OfflineSnapshot {
  #index: Promise<Map<string, PromptData>> | undefined;

  constructor(private readonly source: SnapshotSource) {}

  /** `selector` as `selectorKeysOf` spells it. */
  find(key: string, selector: string): Promise<PromptData | undefined> {
    this.#index ??= this.load();
    return this.#index.then((index) => index.get(`${key}\u0000${selector}`));
  }

  private async load(): Promise<Map<string, PromptData>> {
    // A copy: the prompts made from it are frozen, and the caller's object must stay as it was.
    let document: unknown = typeof this.source === 'string' ? undefined : JSON.parse(JSON.stringify(this.source));
    if (typeof this.source === 'string') {
      try {
        document = JSON.parse(await readTextFile(this.source));
      } catch (error) {
        throw new ConfigurationError(`Cannot read the offline snapshot ${this.source}: ${(error as Error).message}`, 'SNAPSHOT_UNREADABLE');
      }
    }
    const prompts = (document as Partial<SnapshotDocument> | null)?.prompts;
    if (!Array.isArray(prompts)) throw new ConfigurationError('The offline snapshot has no "prompts" list', 'SNAPSHOT_UNREADABLE');
    const index = new Map<string, PromptData>();
    for (const data of prompts) {
      if (!isPromptData(data)) continue;
      for (const selector of selectorKeysOf(data)) index.set(`${data.key}\u0000${selector}`, data);
    }
    return index;
  }
}
