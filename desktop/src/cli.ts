#!/usr/bin/env node
/** `forprompt-manager`: the manager's operations, headless (servers without a desktop use this). */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultHome } from './core/home.js';
import { Manager } from './core/manager.js';
import { probeEngine } from './core/runtime.js';
import { follow, type CliContext } from './cli-context.js';
import { runSupervisorDaemon, startDetachedSupervisor } from './supervise.js';
import { backupCommand, restoreCommand } from './cli-backup.js';
import { doctorCommand } from './cli-doctor.js';
import { updateCommand } from './cli-update.js';

const usage = `Usage: forprompt-manager <command> [options]

  up [--foreground] [--open]
                           provision the database, migrate, start the engine (detached unless --foreground);
                           --open opens the dashboard in the browser
  down                     stop the engine and the containers (data volumes are kept)
  status                   what runs, and where
  logs [-f] [--service engine|postgres|ollama]
  backup [--out <file>] [--format fpbackup|pg_dump]
                           write a .fpbackup archive (default: FORPROMPT_HOME/backups); in container mode,
                           --format pg_dump writes a .dump made by the PostgreSQL container's own pg_dump
  restore <file> [--yes]   restore a .fpbackup or .dump (verifies it first; keeps the old database until the switch succeeds)
  update [--bundle <file>] [--check] [--feed <url>]
                           install a signed .fpupdate, or the newest release from the feed (pre-update backup; rollback on failure)
  doctor [--api-key <key>] check everything, with a fix hint for each problem
  models list|pull <name>|rm <name>

Options: --json (machine-readable output), FORPROMPT_HOME selects the install.`;

/** The system's way to open a URL in the default browser (best effort: the URL is printed anyway). */
function openInBrowser(url: string): void {
  const [command, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  const child = spawn(command!, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}

async function up(context: CliContext, foreground: boolean, open: boolean): Promise<number> {
  const { manager, json } = context;
  const running = await probeEngine(manager.home);
  if (running.state === 'running') {
    context.print(json ? JSON.stringify({ state: 'running', url: running.runtime.url, alreadyRunning: true }) : `Already running at ${running.runtime.url}`);
    if (open) openInBrowser(running.runtime.url!);
    return 0;
  }
  if (foreground) return runSupervisorDaemon(manager, { provision: true, print: context.print });
  await follow(manager, manager.tasks.run('provision', 'Provision and migrate', (task) => manager.provision(task)), json);
  const url = await startDetachedSupervisor(manager);
  context.print(json ? JSON.stringify({ state: 'running', url }) : `ForPrompt is running at ${url}`);
  if (open) openInBrowser(url);
  return 0;
}

async function down(context: CliContext): Promise<number> {
  await follow(context.manager, context.manager.down(), context.json);
  context.print(context.json ? JSON.stringify({ state: 'stopped' }) : 'Stopped. Data volumes are kept.');
  return 0;
}

async function status(context: CliContext): Promise<number> {
  const result = await context.manager.status();
  if (context.json) context.print(JSON.stringify({ ...result, stack: result.stack && { ...result.stack, databaseUrl: undefined } }));
  else {
    const { engine } = result;
    context.print(engine.state === 'stopped' ? `Engine: stopped (${engine.reason})` : `Engine: ${engine.state} at ${engine.runtime.url} (${engine.runtime.dataProvider}, v${engine.runtime.version})${engine.detail ? ` — ${engine.detail}` : ''}`);
    context.print(`Database: ${result.database}${result.reason ? ` — ${result.reason}` : ''}${result.containerEngine ? ` (${result.containerEngine})` : ''}`);
    for (const service of result.stack?.services ?? []) context.print(`  ${service.container}: ${service.state}, ${service.ready ? 'ready' : service.health}${service.hostPort ? `, 127.0.0.1:${service.hostPort}` : ''} (${service.image})`);
  }
  return result.engine.state === 'running' ? 0 : 1;
}

async function logs(context: CliContext, followLogs: boolean, service: string): Promise<number> {
  const { manager } = context;
  if (service === 'engine') {
    const log = manager.logFile('engine');
    process.stdout.write(log.tail(100));
    if (!followLogs) return 0;
    let size = fs.existsSync(log.file) ? fs.statSync(log.file).size : 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = fs.existsSync(log.file) ? fs.statSync(log.file).size : 0;
      if (now < size) size = 0; // rotated
      if (now > size) {
        const handle = await fs.promises.open(log.file, 'r');
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(now - size), 0, now - size, size);
        await handle.close();
        process.stdout.write(buffer.subarray(0, bytesRead));
        size = now;
      }
    }
  }
  if (service !== 'postgres' && service !== 'ollama') throw new Error('--service must be engine, postgres or ollama');
  const plan = await manager.planDatabase();
  if (plan.kind !== 'container') throw new Error(`The database is ${plan.kind}, not a container; its log is in ${path.join(manager.home, 'pg')}`);
  if (!followLogs) {
    process.stdout.write(await plan.stack.logs(service));
    return 0;
  }
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  await plan.stack.followLogs(service, (text) => process.stdout.write(text), abort.signal);
  return 0;
}

async function models(context: CliContext, action: string | undefined, name: string | undefined): Promise<number> {
  const ollama = await context.manager.models();
  if (action === 'list' || action === undefined) {
    const list = await ollama.list();
    if (context.json) context.print(JSON.stringify(list));
    else if (list.length === 0) context.print(`No models yet. Pull one: forprompt-manager models pull ${(await context.manager.settings()).ollamaModel}`);
    else for (const model of list) context.print(`${model.name}\t${(model.sizeBytes / 1e9).toFixed(2)} GB\t${model.modifiedAt}`);
    return 0;
  }
  if (!name) throw new Error(`models ${action} needs a model name`);
  if (action === 'pull') {
    await follow(context.manager, context.manager.tasks.run('model-pull', `Pull ${name}`, (task) => ollama.pull(name, task)), context.json);
    context.print(context.json ? JSON.stringify({ pulled: name }) : `Pulled ${name}`);
    return 0;
  }
  if (action === 'rm') {
    await ollama.remove(name);
    context.print(context.json ? JSON.stringify({ removed: name }) : `Removed ${name}`);
    return 0;
  }
  throw new Error(`Unknown models action "${action}" (list, pull, rm)`);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      foreground: { type: 'boolean', default: false },
      open: { type: 'boolean', default: false },
      follow: { type: 'boolean', short: 'f', default: false },
      service: { type: 'string', default: 'engine' },
      out: { type: 'string' },
      format: { type: 'string', default: 'fpbackup' },
      yes: { type: 'boolean', short: 'y', default: false },
      'api-key': { type: 'string' },
      bundle: { type: 'string' },
      feed: { type: 'string' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const manager = new Manager({ home: defaultHome(), startEngine: async (self) => void (await startDetachedSupervisor(self)) });
  await manager.tasks.load();
  const context: CliContext = { manager, json: values.json, print: (text) => console.log(text) };
  switch (command) {
    case 'up':
      return up(context, values.foreground, values.open);
    case 'supervise':
      return runSupervisorDaemon(manager, { provision: false, print: context.print });
    case 'down':
      return down(context);
    case 'status':
      return status(context);
    case 'logs':
      return logs(context, values.follow, values.service);
    case 'backup':
      return backupCommand(context, { out: values.out, format: values.format });
    case 'restore':
      if (!rest[0]) throw new Error('restore needs the backup: forprompt-manager restore <file.fpbackup|file.dump>');
      return restoreCommand(context, rest[0], values.yes);
    case 'update':
      return updateCommand(context, { bundle: values.bundle, check: values.check, feed: values.feed });
    case 'doctor':
      return doctorCommand(context, values['api-key']);
    case 'models':
      return models(context, rest[0], rest[1]);
    default:
      console.error(`Unknown command "${command}".\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const argv = process.argv.slice(2);
    const message = error instanceof Error ? error.message : String(error);
    if (argv.includes('--json')) console.log(JSON.stringify({ error: message }));
    else console.error(`Error: ${message}`);
    process.exit(1);
  },
);
