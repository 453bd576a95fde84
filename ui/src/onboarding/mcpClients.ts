/**
 * The MCP config snippets `forprompt mcp config <client>` prints (sdk/cli/src/mcp/clients.ts and
 * sdk/cli/src/commands/mcp.ts), rebuilt here because that module reads node:os and node:path. Keep
 * the two in step: e2e/dashboard.test.ts compares this output with the CLI's.
 */

/** What `forprompt mcp config` writes when no key is configured. */
export const API_KEY_PLACEHOLDER = 'fp_proj_your_project_api_key';

interface ServerLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface McpClient {
  /** The CLI's name for it: `forprompt mcp config <id>`. */
  id: string;
  title: string;
  /** Where the snippet goes. The browser cannot see the user's home folder, so paths start at `~`. */
  file: string;
  instructions: string;
  render(launch: ServerLaunch): unknown;
}

/** The `mcpServers` map most clients read (Claude Desktop, Cursor, Windsurf, Continue's JSON blocks). */
const mcpServersMap = (launch: ServerLaunch) => ({ mcpServers: { forprompt: { command: launch.command, args: launch.args, env: launch.env } } });

// Files in a repository (VS Code's, Claude Code's) never hold the key; user-level files do, as in the CLI.
export const mcpClients: readonly McpClient[] = [
  {
    id: 'claude-desktop',
    title: 'Claude Desktop',
    file: '~/Library/Application Support/Claude/claude_desktop_config.json (macOS), %APPDATA%\\Claude\\claude_desktop_config.json (Windows), ~/.config/Claude/claude_desktop_config.json (Linux)',
    instructions: 'Merge "mcpServers.forprompt" into the file, then restart Claude Desktop.',
    render: mcpServersMap,
  },
  {
    id: 'claude-code',
    title: 'Claude Code',
    file: '.mcp.json (in the project root)',
    instructions: 'Save as .mcp.json in the project root (or merge "mcpServers.forprompt"); FORPROMPT_API_KEY is read from your environment.',
    render: (launch) => ({
      mcpServers: { forprompt: { type: 'stdio', command: launch.command, args: launch.args, env: { ...launch.env, FORPROMPT_API_KEY: '${FORPROMPT_API_KEY}' } } },
    }),
  },
  {
    id: 'cursor',
    title: 'Cursor',
    file: '~/.cursor/mcp.json',
    instructions: 'Merge "mcpServers.forprompt" into the file (or a project\'s .cursor/mcp.json), then reload Cursor.',
    render: mcpServersMap,
  },
  {
    id: 'continue',
    title: 'Continue',
    file: '~/.continue/mcpServers/forprompt.json',
    instructions: 'Save as forprompt.json in ~/.continue/mcpServers/ (or a workspace\'s .continue/mcpServers/), then reload Continue.',
    render: mcpServersMap,
  },
  {
    id: 'windsurf',
    title: 'Windsurf',
    file: '~/.codeium/windsurf/mcp_config.json',
    instructions: 'Merge "mcpServers.forprompt" into the file, then press Refresh in Cascade\'s MCP panel.',
    render: mcpServersMap,
  },
  {
    id: 'vscode',
    title: 'VS Code',
    file: '.vscode/mcp.json (in the workspace)',
    instructions: 'Save as .vscode/mcp.json (or merge "servers.forprompt" and the input); VS Code asks for the API key once and keeps it in its secret storage.',
    render: (launch) => ({
      inputs: [{ type: 'promptString', id: 'forprompt-api-key', description: 'ForPrompt project API key', password: true }],
      servers: { forprompt: { type: 'stdio', command: launch.command, args: launch.args, env: { ...launch.env, FORPROMPT_API_KEY: '${input:forprompt-api-key}' } } },
    }),
  },
];

/** The snippet as `forprompt mcp config <client>` prints it on stdout (the `npx -y forprompt` launch). */
export function renderMcpConfig(client: McpClient, baseUrl: string, apiKey: string = API_KEY_PLACEHOLDER): string {
  const launch: ServerLaunch = { command: 'npx', args: ['-y', 'forprompt', 'mcp', 'start'], env: { FORPROMPT_API_KEY: apiKey, FORPROMPT_BASE_URL: baseUrl } };
  return JSON.stringify(client.render(launch), null, 2);
}
