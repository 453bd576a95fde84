#!/usr/bin/env node
import { parseCommandArgs, type Command } from './command.js';
import { deployCommand } from './commands/deploy.js';
import { initCommand } from './commands/init.js';
import { mcpConfigCommand, mcpStartCommand } from './commands/mcp.js';
import { pullCommand } from './commands/pull.js';
import { pushCommand } from './commands/push.js';
import { validateCommand } from './commands/validate.js';
import { CliError } from './errors.js';
import { say } from './output.js';
import { CLI_VERSION } from './version.js';

const commands: Command[] = [initCommand, pullCommand, deployCommand, pushCommand, validateCommand, mcpStartCommand, mcpConfigCommand];

const usage = `Usage: forprompt <command> [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(12)}${command.summary}`).join('\n')}

"forprompt <command> --help" explains a command. The API key and engine URL come from
--api-key/--base-url, else FORPROMPT_API_KEY/FORPROMPT_BASE_URL, else .env in this directory.`;

/** `mcp start` and `mcp config` are two words; every other command is one. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = commands.find((candidate) => candidate.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return null;
}

async function main(argv: string[]): Promise<void> {
  const [first] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    say(usage);
    return;
  }
  if (first === '--version' || first === '-v') {
    say(CLI_VERSION);
    return;
  }
  const found = findCommand(argv);
  if (!found) {
    if (first === 'mcp' && (argv[1] === undefined || argv[1] === '--help' || argv[1] === '-h')) {
      say(`Usage: forprompt mcp start | forprompt mcp config <client>\n\n  mcp start   ${mcpStartCommand.summary}\n  mcp config  ${mcpConfigCommand.summary}`);
      return;
    }
    throw new CliError(`Unknown command "${argv.slice(0, first === 'mcp' ? 2 : 1).join(' ')}" (see "forprompt --help")`, 2);
  }
  const args = parseCommandArgs(found.command, found.rest);
  if (args.help) {
    say(found.command.help);
    return;
  }
  await found.command.run(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // One line a person (or CI log) can act on; a stack only when asked for.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`forprompt: ${message}\n`);
  if (!(error instanceof CliError) && process.env.FORPROMPT_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
  process.exitCode = error instanceof CliError ? error.exitCode : 1;
});
