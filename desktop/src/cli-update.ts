import path from 'node:path';
import { applyUpdateBundle } from './core/update/apply.js';
import { checkFeed, downloadBundle } from './core/update/feed.js';
import { activeVersion, appRoot } from './core/update/versions.js';
import { follow, type CliContext } from './cli-context.js';

/** `update --bundle <file>` (air-gapped), or `update [--check]` against the release feed. */
export async function updateCommand(context: CliContext, options: { bundle?: string; check: boolean; feed?: string }): Promise<number> {
  const { manager } = context;
  let bundle = options.bundle;
  if (!bundle) {
    const feedUrl = options.feed ?? (await manager.settings()).updateFeedUrl;
    if (!feedUrl) throw new Error('No release feed is set: pass --bundle <file.fpupdate>, or --feed <url> (settings: updateFeedUrl)');
    const check = await checkFeed(feedUrl, await activeVersion(manager.home));
    if (!check.available) {
      context.print(context.json ? JSON.stringify(check) : `ForPrompt ${check.current} is up to date.`);
      return 0;
    }
    if (options.check) {
      context.print(context.json ? JSON.stringify(check) : `ForPrompt ${check.latest} is available (installed: ${check.current}). Run \`forprompt-manager update\` to install it.`);
      return 0;
    }
    bundle = await downloadBundle(check.bundleUrl, path.join(appRoot(manager.home), 'downloads'));
  }
  const file = path.resolve(bundle);
  const result = await follow(manager, manager.tasks.run('update', `Update from ${path.basename(file)}`, (task) => applyUpdateBundle(manager, file, task), (update) => `${update.from} → ${update.to}`), context.json);
  context.print(context.json ? JSON.stringify(result) : `Updated ForPrompt ${result.from} → ${result.to} (pre-update backup: ${result.backupFile}).`);
  return 0;
}
