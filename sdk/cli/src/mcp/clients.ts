import os from 'node:os';
import path from 'node:path';

/** How a client starts the server: the command, its arguments, and the environment it needs. */
export interface ServerLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface McpClient {
  title: string;
  /** Where the snippet goes. */
  file: string;
  /** What to do with it. */
  instructions: string;
  /** The snippet, in the client's own file format (each is JSON). */
  render(launch: ServerLaunch): unknown;
}

function claudeDesktopFile(): string {
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Claude', 'claude_desktop_config.json');
  return path.join(os.homedir(), '.config', 'Claude', 'claude_desktop_config.json');
}

/** The `mcpServers` map most clients read (Claude Desktop, Cursor, Windsurf, Continue's JSON blocks). */
const mcpServersMap = (launch: ServerLaunch) => ({ mcpServers: { forprompt: { command: launch.command, args: launch.args, env: launch.env } } });

/**
 * The snippet for each client. Files in a repository (VS Code's, Claude Code's) never hold the key:
 * VS Code asks for it once and keeps it in its secret storage, Claude Code expands it from the
 * environment. User-level files (the others) hold it, as the original's snippets did.
 */
export const mcpClients: Record<string, McpClient> = {
  'claude-desktop': {
    title: 'Claude Desktop',
    file: claudeDesktopFile(),
    instructions: 'Merge "mcpServers.forprompt" into the file, then restart Claude Desktop.',
    render: mcpServersMap,
  },
  'claude-code': {
    title: 'Claude Code',
    file: '.mcp.json (in the project root)',
    instructions: 'Save as .mcp.json in the project root (or merge "mcpServers.forprompt"); FORPROMPT_API_KEY is read from your environment.',
    render: (launch) => ({
      mcpServers: { forprompt: { type: 'stdio', command: launch.command, args: launch.args, env: { ...launch.env, FORPROMPT_API_KEY: '${FORPROMPT_API_KEY}' } } },
    }),
  },
  cursor: {
    title: 'Cursor',
    file: path.join(os.homedir(), '.cursor', 'mcp.json'),
    instructions: 'Merge "mcpServers.forprompt" into the file (or a project\'s .cursor/mcp.json), then reload Cursor.',
    render: mcpServersMap,
  },
  continue: {
    title: 'Continue',
    file: path.join(os.homedir(), '.continue', 'mcpServers', 'forprompt.json'),
    instructions: 'Save as forprompt.json in ~/.continue/mcpServers/ (or a workspace\'s .continue/mcpServers/), then reload Continue.',
    render: mcpServersMap,
  },
  windsurf: {
    title: 'Windsurf',
    file: path.join(os.homedir(), '.codeium', 'windsurf', 'mcp_config.json'),
    instructions: 'Merge "mcpServers.forprompt" into the file, then press Refresh in Cascade\'s MCP panel.',
    render: mcpServersMap,
  },
  vscode: {
    title: 'VS Code',
    file: '.vscode/mcp.json (in the workspace)',
    instructions: 'Save as .vscode/mcp.json (or merge "servers.forprompt" and the input); VS Code asks for the API key once and keeps it in its secret storage.',
    render: (launch) => ({
      inputs: [{ type: 'promptString', id: 'forprompt-api-key', description: 'ForPrompt project API key', password: true }],
      servers: { forprompt: { type: 'stdio', command: launch.command, args: launch.args, env: { ...launch.env, FORPROMPT_API_KEY: '${input:forprompt-api-key}' } } },
    }),
  },
};
