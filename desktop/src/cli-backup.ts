import { createInterface } from 'node:readline/promises';
import { readBackupManifest } from './core/backup/index.js';
import { backupInstall, restoreInstall } from './core/backups.js';
import { follow, type CliContext } from './cli-context.js';

export async function backupCommand(context: CliContext, out: string | undefined): Promise<number> {
  const { manager } = context;
  const result = await follow(manager, manager.tasks.run('backup', 'Back up', (task) => backupInstall(manager, task, out), (backup) => backup.file), context.json);
  context.print(context.json ? JSON.stringify(result) : `Backup written and verified: ${result.file} (${(result.bytes / 1e6).toFixed(1)} MB)`);
  return 0;
}

export async function restoreCommand(context: CliContext, file: string, yes: boolean): Promise<number> {
  const { manager } = context;
  const manifest = await readBackupManifest(file);
  const rows = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
  if (!yes) {
    if (!process.stdin.isTTY) throw new Error('restore replaces the current data; pass --yes to confirm when not running in a terminal');
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await prompt.question(
      `Restore ${file}\n  taken ${manifest.createdAt} by ForPrompt ${manifest.appVersion}, ${manifest.tables.length} tables, ${rows.toLocaleString('en')} rows.\n` +
        'The current data is replaced (it is kept until the restored database has started). Continue? [y/N] ',
    );
    prompt.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      context.print('Nothing was changed.');
      return 1;
    }
  }
  const result = await follow(manager, manager.tasks.run('restore', `Restore ${file}`, (task) => restoreInstall(manager, file, task), () => `Restored ${file}`), context.json);
  if (context.json) context.print(JSON.stringify({ restored: file, tables: result.tables }));
  else {
    context.print(`Restored ${file}:`);
    for (const [table, count] of Object.entries(result.tables)) context.print(`  ${table}: ${count.toLocaleString('en')} rows`);
  }
  return 0;
}
