import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { getProject } from '../api.js';
import type { Connection } from '../config.js';
import { CliError } from '../errors.js';
import { ApiClient } from '../http.js';
import { note } from '../output.js';
import { CLI_VERSION } from '../version.js';
import { registerResources } from './resources.js';
import { registerTools } from './tools.js';

/**
 * The MCP server over stdio. Stdout carries the protocol only: every log line goes to stderr, which
 * MCP clients show in their server logs.
 */
export function createMcpServer(connection: Connection): McpServer {
  const api = new ApiClient(connection);
  const server = new McpServer(
    { name: 'forprompt', version: CLI_VERSION },
    { instructions: 'ForPrompt holds this project\'s LLM prompts with their versions and labels (production is what applications run). Fetch a prompt before changing it; change its text with forprompt_create_version so history is kept.' },
  );
  registerTools(server, api);
  registerResources(server, api);
  return server;
}

export async function startMcpServer(connection: Connection): Promise<void> {
  const server = createMcpServer(connection);
  await server.connect(new StdioServerTransport());
  note(`ForPrompt MCP server ${CLI_VERSION} on stdio, engine ${connection.baseUrl}`);
  // Say early if the key is wrong; the server keeps running so the client can show the tools' errors.
  getProject(new ApiClient(connection)).then(
    (project) => note(`Project: ${project.name}`),
    (error: unknown) => note(`Warning: ${error instanceof CliError ? error.message : String(error)}`),
  );
}
