import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntry, runCli, temporaryDirectory } from './helpers.js';

const apiKey = `fp_proj_${'c'.repeat(32)}`;
const env = { FORPROMPT_API_KEY: apiKey, FORPROMPT_BASE_URL: 'https://prompts.example.com/api' };

describe('forprompt mcp config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await temporaryDirectory('mcp-config');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const config = async (client: string, ...flags: string[]) => {
    const result = await runCli(['mcp', 'config', client, ...flags], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^# /);
    return JSON.parse(result.stdout) as Record<string, any>;
  };
  const launch = { command: 'npx', args: ['-y', 'forprompt', 'mcp', 'start'] };

  it.each(['claude-desktop', 'cursor', 'continue', 'windsurf'])('prints an mcpServers snippet for %s, with the key and the URL', async (client) => {
    expect(await config(client)).toEqual({ mcpServers: { forprompt: { ...launch, env: { FORPROMPT_API_KEY: apiKey, FORPROMPT_BASE_URL: 'https://prompts.example.com' } } } });
  });

  it("prints VS Code's servers format, which asks for the key instead of holding it", async () => {
    const snippet = await config('vscode');
    expect(snippet.inputs).toEqual([{ type: 'promptString', id: 'forprompt-api-key', description: 'ForPrompt project API key', password: true }]);
    expect(snippet.servers.forprompt).toEqual({ type: 'stdio', ...launch, env: { FORPROMPT_API_KEY: '${input:forprompt-api-key}', FORPROMPT_BASE_URL: 'https://prompts.example.com' } });
  });

  it("prints Claude Code's project file, which reads the key from the environment", async () => {
    expect((await config('claude-code')).mcpServers.forprompt.env.FORPROMPT_API_KEY).toBe('${FORPROMPT_API_KEY}');
  });

  it('starts this installation with --local', async () => {
    expect((await config('cursor', '--local')).mcpServers.forprompt).toMatchObject({ command: process.execPath, args: [cliEntry, 'mcp', 'start'] });
  });

  it('names the clients when the one asked for is unknown', async () => {
    const result = await runCli(['mcp', 'config', 'emacs'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('forprompt: Unknown client "emacs" (one of: claude-desktop, claude-code, cursor, continue, windsurf, vscode)\n');
  });
});
