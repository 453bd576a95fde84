import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../src/data/postgres/schema/index.js';

const execFileAsync = promisify(execFile);

const engineDir = path.resolve(fileURLToPath(import.meta.url), '../..');
const repoDir = path.dirname(engineDir);
const migrationsDir = path.join(engineDir, 'drizzle');
const schemaFile = path.join(engineDir, 'src/data/postgres/schema/index.ts');
const drizzleKitBin = path.join(repoDir, 'node_modules/.bin/drizzle-kit');

async function sqlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
}

interface GenerateResult {
  added: string[];
  output: string;
}

// Runs `drizzle-kit generate` into a copy of the committed migrations and reports the SQL files it
// added. drizzle-kit diffs the schema against the last snapshot, so no new file means no drift.
async function generateIntoCopy(): Promise<GenerateResult> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'fp-schema-drift-'));
  try {
    const outDir = path.join(workDir, 'drizzle');
    await cp(migrationsDir, outDir, { recursive: true });
    // `out` is relative to cwd: drizzle-kit 0.31 prefixes an absolute `out` with "./" and breaks it.
    const config = { dialect: 'postgresql', schema: schemaFile, out: './drizzle' };
    const configFile = path.join(workDir, 'drizzle.config.ts');
    await writeFile(configFile, `export default ${JSON.stringify(config, null, 2)};\n`);

    const before = await sqlFiles(outDir);
    const output = await runDrizzleKit(['generate', '--config', configFile], workDir);
    const added = (await sqlFiles(outDir)).filter((name) => !before.includes(name));
    return { added, output };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

// Returns stdout + stderr whatever the exit code: drizzle-kit exits 0 on some errors, and a rename
// makes it ask interactively, which fails without a TTY. The caller decides from the output.
async function runDrizzleKit(args: string[], cwd: string): Promise<string> {
  let output: string;
  try {
    const { stdout, stderr } = await execFileAsync(drizzleKitBin, args, { cwd, timeout: 15_000 });
    output = stdout + stderr;
  } catch (error) {
    const failed = error as { message: string; stdout?: string; stderr?: string };
    output = `${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
  // Drop drizzle-kit's stack frames: vitest would try to source-map them inside our failure message.
  return output
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .join('\n');
}

describe('the Drizzle schema and the committed migrations', () => {
  it('agree: drizzle-kit generate has nothing new to write', { timeout: 20_000 }, async () => {
    const { added, output } = await generateIntoCopy();
    const hint = 'Schema and migrations disagree; run `npm run db:generate -- --name <change>`.';
    expect(added, `${hint}\n${output}`).toEqual([]);
    // Positive evidence that drizzle-kit read the schema and compared, not failed quietly.
    expect(output, `${hint}\n${output}`).toContain('No schema changes');
  });

  it('create every table the schema exports', async () => {
    const files = await sqlFiles(migrationsDir);
    const migrationSql = (
      await Promise.all(files.map((name) => readFile(path.join(migrationsDir, name), 'utf8')))
    ).join('\n');
    const exported: unknown[] = Object.values(schema);
    const tableNames = exported.flatMap((value) => (is(value, PgTable) ? [getTableName(value)] : []));

    expect(tableNames.length).toBeGreaterThan(0);
    const missing = tableNames.filter((name) => !migrationSql.includes(`CREATE TABLE "${name}"`));
    expect(missing).toEqual([]);
  });
});
