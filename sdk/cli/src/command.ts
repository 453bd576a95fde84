import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ConnectionFlags } from './config.js';
import { CliError } from './errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** One `forprompt <name>` command: its help text, its options, and what it does. */
export interface Command {
  name: string;
  summary: string;
  /** Shown by `--help`: usage line, description, options. */
  help: string;
  options: Options;
  run(args: ParsedArgs): Promise<void>;
}

/** Options every command that talks to the engine takes. */
export const connectionOptions: Options = {
  'api-key': { type: 'string' },
  'base-url': { type: 'string' },
};

export const connectionHelp = `  --api-key <key>     project API key (else FORPROMPT_API_KEY, else .env)
  --base-url <url>    engine URL, with or without /api (else FORPROMPT_BASE_URL, else .env, else http://127.0.0.1:3000)`;

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs & { help: boolean } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    const { help, ...rest } = values as Record<string, string | boolean | undefined>;
    return { values: rest, positionals, help: help === true };
  } catch (error) {
    // parseArgs explains unknown options well; keep its first sentence and point at --help.
    const reason = (error as Error).message.split('. ')[0]!.replace(/\.$/, '');
    throw new CliError(`${reason} (see "forprompt ${command.name} --help")`, 2);
  }
}

export function stringValue(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flagValue(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function connectionFlags(args: ParsedArgs): ConnectionFlags {
  return { apiKey: stringValue(args, 'api-key'), baseUrl: stringValue(args, 'base-url') };
}

export function noPositionals(command: Command, args: ParsedArgs): void {
  if (args.positionals.length > 0) throw new CliError(`Unexpected argument "${args.positionals[0]}" (see "forprompt ${command.name} --help")`, 2);
}
