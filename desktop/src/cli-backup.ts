import fs from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { readBackupManifest } from './core/backup/index.js';
import { backupFormats, backupInstall, restoreInstall, type BackupFormat } from './core/backups.js';
import { isCustomFormatDump } from './core/container-dump.js';
import { follow, type CliContext } from './cli-context.js';

export async function backupCommand(context: CliContext, options: { out?: string; format: string }): Promise<number> {
  const { manager } = context;
  if (!backupFormats.includes(options.format as BackupFormat)) throw new Error(`--format must be ${backupFormats.join(' or ')}, not "${options.format}"`);
  const format = options.format as BackupFormat;
  const result = await follow(manager, manager.tasks.run('backup', 'Back up', (task) => backupInstall(manager, task, { out: options.out, format }), (backup) => backup.file), context.json);
  context.print(context.json ? JSON.stringify(result) : `Backup written and verified: ${result.file} (${(result.bytes / 1e6).toFixed(1)} MB)`);
  return 0;
}

/** What the confirmation says about the file: the archive's manifest, or what the file system knows of a dump. */
async function describeBackup(file: string): Promise<string> {
  if (await isCustomFormatDump(file)) {
    const stats = await fs.stat(file);
    return `a pg_dump custom-format archive of ${(stats.size / 1e6).toFixed(1)} MB, written ${stats.mtime.toISOString()}`;
  }
  const manifest = await readBackupManifest(file);
  const rows = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
  return `taken ${manifest.createdAt} by ForPrompt ${manifest.appVersion}, ${manifest.tables.length} tables, ${rows.toLocaleString('en')} rows`;
}

export async function restoreCommand(context: CliContext, file: string, yes: boolean): Promise<number> {
  const { manager } = context;
  const description = await describeBackup(file);
  if (!yes) {
    if (!process.stdin.isTTY) throw new Error('restore replaces the current data; pass --yes to confirm when not running in a terminal');
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await prompt.question(`Restore ${file}\n  ${description}.\nThe current data is replaced (it is kept until the restored database has started). Continue? [y/N] `);
    prompt.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      context.print('Nothing was changed.');
      return 1;
    }
  }
  const result = await follow(manager, manager.tasks.run('restore', `Restore ${file}`, (task) => restoreInstall(manager, file, task), () => `Restored ${file}`), context.json);
  if (context.json) context.print(JSON.stringify({ restored: file, format: result.format, tables: result.tables }));
  else {
    context.print(`Restored ${file}:`);
    for (const [table, count] of Object.entries(result.tables)) context.print(`  ${table}: ${count.toLocaleString('en')} rows`);
  }
  return 0;
}
