import { fileURLToPath } from 'node:url';
import { connectionFlags, connectionHelp, connectionOptions, flagValue, noPositionals, type Command } from '../command.js';
import { normalizeBaseUrl, requireConnection, resolveSettings } from '../config.js';
import { CliError } from '../errors.js';
import { mcpClients, type ServerLaunch } from '../mcp/clients.js';
import { startMcpServer } from '../mcp/server.js';
import { note, say } from '../output.js';

export const mcpStartCommand: Command = {
  name: 'mcp start',
  summary: 'Run the MCP server over stdio (for AI coding assistants)',
  help: `Usage: forprompt mcp start

Runs a Model Context Protocol server on stdin/stdout for AI assistants (Claude, Cursor, VS Code, …).
Tools: forprompt_get_prompt, forprompt_list_prompts, forprompt_search_prompts,
forprompt_get_prompt_metadata, forprompt_get_system_prompt, forprompt_create_prompt,
forprompt_update_prompt, forprompt_create_version.
Resources: forprompt://prompts, forprompt://prompts/{key}, forprompt://prompts/{key}/v{version}.
Logs go to stderr. "forprompt mcp config <client>" prints the snippet that starts it.

Options:
${connectionHelp}`,
  options: connectionOptions,
  async run(args) {
    noPositionals(this, args);
    await startMcpServer(requireConnection(connectionFlags(args), process.cwd()));
  },
};

const clientNames = Object.keys(mcpClients).join(', ');
const API_KEY_PLACEHOLDER = 'fp_proj_your_project_api_key';

export const mcpConfigCommand: Command = {
  name: 'mcp config',
  summary: 'Print the MCP config snippet for an AI assistant',
  help: `Usage: forprompt mcp config <client> [--local]

Prints, on stdout, the JSON that makes <client> start "forprompt mcp start", in that client's own
format, with FORPROMPT_API_KEY and FORPROMPT_BASE_URL (from the flags, the environment or .env).
Where to put it is printed on stderr, so "forprompt mcp config cursor > file" writes the JSON only.

Clients: ${clientNames}

Options:
  --local             start this installation (node <path>/dist/main.js) instead of "npx -y forprompt"
${connectionHelp}`,
  options: { ...connectionOptions, local: { type: 'boolean' } },
  async run(args) {
    const [name, ...rest] = args.positionals;
    if (!name) throw new CliError(`Name a client: forprompt mcp config <${Object.keys(mcpClients).join('|')}>`, 2);
    if (rest.length > 0) throw new CliError(`Unexpected argument "${rest[0]}"`, 2);
    const client = mcpClients[name];
    if (!client) throw new CliError(`Unknown client "${name}" (one of: ${clientNames})`, 2);

    const settings = resolveSettings(connectionFlags(args), process.cwd());
    const start = ['mcp', 'start'];
    const launch: ServerLaunch = {
      ...(flagValue(args, 'local')
        ? { command: process.execPath, args: [fileURLToPath(new URL('../main.js', import.meta.url)), ...start] }
        : { command: 'npx', args: ['-y', 'forprompt', ...start] }),
      env: { FORPROMPT_API_KEY: settings.apiKey?.value ?? API_KEY_PLACEHOLDER, FORPROMPT_BASE_URL: normalizeBaseUrl(settings.baseUrl.value) },
    };
    const snippet = JSON.stringify(client.render(launch), null, 2);
    say(snippet);
    note(`# ${client.title}: ${client.file}`);
    note(`# ${client.instructions}`);
    if (snippet.includes(API_KEY_PLACEHOLDER)) note(`# No API key configured: replace ${API_KEY_PLACEHOLDER} (or run "forprompt init" first).`);
  },
};
