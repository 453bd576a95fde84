import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntry, repoRoot, runCli, startProjectEngine, temporaryDirectory, typeCheck, type TestEngine } from './helpers.js';

/** Strict settings a careful consumer project might use; generated code must pass all of them. */
const strictTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noPropertyAccessFromIndexSignature: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    types: [],
  },
  include: ['*.ts', 'forprompt/**/*.ts'],
};

async function writeConsumerProject(dir: string, files: Record<string, string>): Promise<void> {
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  await fs.writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(strictTsconfig));
  // The application's own dependency on the SDK, as a workspace link would give it.
  await fs.mkdir(path.join(dir, 'node_modules/@forprompt'), { recursive: true });
  await fs.symlink(path.join(repoRoot, 'sdk'), path.join(dir, 'node_modules/@forprompt/sdk'), 'dir');
  for (const [name, content] of Object.entries(files)) await fs.writeFile(path.join(dir, name), content);
}

describe('forprompt against a running engine', () => {
  let engine: TestEngine;
  let env: Record<string, string>;
  const directories: string[] = [];
  const workspace = async (name: string) => {
    const dir = await temporaryDirectory(name);
    directories.push(dir);
    return dir;
  };

  beforeAll(async () => {
    engine = await startProjectEngine();
    env = { FORPROMPT_API_KEY: engine.apiKey, FORPROMPT_BASE_URL: engine.url };
    const saves = [
      { key: 'support-reply', name: 'Support reply', description: 'First answer to a ticket', template: 'Hello {{customer}}, about {{topic}}.', labels: ['production'], purpose: 'Answer support tickets politely' },
      { key: 'support-reply', template: 'Hi {{customer}}! Re: {{topic}} (ticket {{ticket.id}})', commitMessage: 'mention the ticket' },
      { key: 'chat.helper', name: 'Chat helper', messages: [{ role: 'system', content: 'You help {{user_name}}.' }, { role: 'user', content: '{{question}}' }], labels: ['staging'] },
      { key: 'default', name: 'Default', template: 'Plain text, no variables.', labels: ['production'] },
      { key: 'draft-only', name: 'Draft only' },
    ];
    for (const body of saves) expect((await engine.api('POST', '/api/v1/prompts', body)).status).toBeLessThan(300);
  });

  afterAll(async () => {
    await engine?.stop();
    await Promise.all(directories.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  });

  it('init checks the key, writes it and the URL to .env without touching other lines, and ignores .env in git', async () => {
    const dir = await workspace('init');
    await fs.writeFile(path.join(dir, '.env'), 'DATABASE_URL=postgres://localhost/app\n# keep me\nFORPROMPT_API_KEY=fp_proj_old\n');
    await fs.writeFile(path.join(dir, '.gitignore'), 'node_modules/');

    const refused = await runCli(['init', '--api-key', `fp_proj_${'0'.repeat(32)}`, '--base-url', engine.url], { cwd: dir });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^forprompt: .*401/);
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toContain('FORPROMPT_API_KEY=fp_proj_old');

    const result = await runCli(['init', '--api-key', engine.apiKey, '--base-url', `${engine.url}/api/`], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Connected to project "CLI Project"');
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toBe(
      `DATABASE_URL=postgres://localhost/app\n# keep me\nFORPROMPT_API_KEY=${engine.apiKey}\nFORPROMPT_BASE_URL=${engine.url}\n`,
    );
    expect(await fs.readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\n.env\n');

    // The next command finds the key and URL in .env alone.
    expect((await runCli(['validate', '--dir', '.'], { cwd: dir })).stdout).toContain('API key is valid for project "CLI Project"');
  });

  it('pull writes the snapshot the engine serves, plus fetchedAt', async () => {
    const dir = await workspace('pull');
    const result = await runCli(['pull'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Pulled 3 prompts (4 labelled versions)');
    const written = JSON.parse(await fs.readFile(path.join(dir, 'forprompt/snapshot.json'), 'utf8')) as Record<string, unknown>;
    const { fetchedAt, ...snapshot } = written;
    expect(Date.parse(String(fetchedAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(snapshot).toEqual((await engine.api('GET', '/api/v1/snapshot')).body);
  });

  it('pull writes a typed index.ts that type-checks in a strict project, and a misspelt variable does not', async () => {
    const dir = await workspace('typed');
    expect((await runCli(['pull'], { cwd: dir, env })).code).toBe(0);
    const index = await fs.readFile(path.join(dir, 'forprompt/index.ts'), 'utf8');
    expect(index).toContain('export const supportReply = {');
    expect(index).toContain('key: "support-reply",');
    expect(index).toContain('export const chatHelper = {');
    expect(index).toContain('export const defaultPrompt = {');
    expect(index).toContain('variables: ["customer", "topic", "ticket.id"],');

    await writeConsumerProject(dir, {
      'app.ts': `import { compileTemplate } from '@forprompt/sdk';
import { prompts, supportReply, variablesFor, type ChatHelperVariable, type PromptKey, type SupportReplyVariables } from './forprompt/index.js';

const values: SupportReplyVariables = { customer: 'Ada', topic: 'billing', 'ticket.id': 42 };
const checked = variablesFor('support-reply', { customer: 'Ada', topic: 'billing', 'ticket.id': '7' });
const variable: ChatHelperVariable = 'user_name';
const key: PromptKey = supportReply.key;
const production: number = prompts['support-reply'].labels.production;
export const results = [compileTemplate('Hello {{customer}}', values), compileTemplate('x', checked), variable, key, production, variablesFor('default', {})];
`,
    });
    const consumer = await typeCheck(dir);
    expect(consumer.stdout + consumer.stderr).toBe('');
    expect(consumer.code).toBe(0);

    await fs.writeFile(path.join(dir, 'misuse.ts'), `import { variablesFor } from './forprompt/index.js';\nexport const wrong = variablesFor('support-reply', { customer: 'Ada', topik: 'billing', 'ticket.id': 1 });\n`);
    const misuse = await typeCheck(dir);
    expect(misuse.code).not.toBe(0);
    expect(misuse.stdout).toMatch(/misuse\.ts\(2,\d+\): error TS\d+: .*'topik' does not exist in type 'SupportReplyVariables'/);
  });

  it("deploy writes the original CLI's forprompt/<key>/ files, and their index type-checks", async () => {
    const dir = await workspace('deploy');
    const result = await runCli(['deploy'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('support-reply (v1 deployed, exported as supportReply; 2 versions)');
    const read = (file: string) => fs.readFile(path.join(dir, 'forprompt', file), 'utf8');

    const promptFile = await read('support-reply/prompt.ts');
    expect(promptFile).toContain('export const supportReply = "Hello {{customer}}, about {{topic}}.";');
    expect(promptFile).toContain('export const supportReplyInfo = {');
    expect(promptFile).toContain('export default supportReply;');
    expect(await read('support-reply/versions/v2.md')).toMatch(/^# Version 2\n# Created: \S+\n# mention the ticket\n\nHi \{\{customer\}\}! Re: \{\{topic\}\} \(ticket \{\{ticket\.id\}\}\)$/);
    expect(JSON.parse(await read('support-reply/metadata.json'))).toMatchObject({ key: 'support-reply', activeVersion: 1, totalVersions: 2, purpose: 'Answer support tickets politely', tools: [] });
    expect(JSON.parse(await read('draft-only/metadata.json'))).toMatchObject({ activeVersion: null, totalVersions: 0 });
    await expect(fs.access(path.join(dir, 'forprompt/draft-only/prompt.ts'))).rejects.toThrow();
    await expect(fs.access(path.join(dir, 'forprompt/chat.helper/prompt.ts'))).rejects.toThrow();
    const config = JSON.parse(await read('.forpromptrc')) as Record<string, unknown>;
    expect(config).toMatchObject({ projectName: 'CLI Project', baseUrl: engine.url });
    expect(JSON.stringify(config)).not.toContain(engine.apiKey);

    await writeConsumerProject(dir, { 'app.ts': `import { getPrompt, supportReply } from './forprompt/index.js';\nexport const texts: string[] = [getPrompt('support-reply'), getPrompt('default'), supportReply];\n` });
    const consumer = await typeCheck(dir);
    expect(consumer.stdout + consumer.stderr).toBe('');

    // pull would replace deploy's index.ts: it refuses, naming the way out.
    const pull = await runCli(['pull'], { cwd: dir, env });
    expect(pull.code).not.toBe(0);
    expect(pull.stderr).toBe('forprompt: forprompt/index.ts was written by "forprompt deploy"; pass --out <dir> to write elsewhere, or --force to replace it\n');
  });

  it('the MCP server answers tools/list, tools/call and resources over stdio', async () => {
    const client = new Client({ name: 'cli-test', version: '1.0.0' });
    const transport = new StdioClientTransport({ command: process.execPath, args: [cliEntry, 'mcp', 'start'], env, stderr: 'pipe' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(
        expect.arrayContaining([
          'forprompt_get_prompt',
          'forprompt_list_prompts',
          'forprompt_search_prompts',
          'forprompt_get_prompt_metadata',
          'forprompt_create_prompt',
          'forprompt_update_prompt',
          'forprompt_create_version',
        ]),
      );

      const deployed = await client.callTool({ name: 'forprompt_get_prompt', arguments: { key: 'support-reply' } });
      expect(deployed.isError).toBeFalsy();
      const text = (deployed.content as Array<{ type: string; text: string }>)[0]!.text;
      expect(text).toContain('**Version:** 1 (labels: production)');
      expect(text).toContain('Hello {{customer}}, about {{topic}}.');
      expect(text).toContain('## Purpose\nAnswer support tickets politely');

      const missing = await client.callTool({ name: 'forprompt_get_prompt', arguments: { key: 'no-such-prompt' } });
      expect(missing.isError).toBe(true);

      const created = await client.callTool({ name: 'forprompt_create_version', arguments: { key: 'default', systemPrompt: 'New text for {{who}}', description: 'via MCP' } });
      expect((created.content as Array<{ text: string }>)[0]!.text).toBe('Created version 2 of "default" and deployed it');
      expect(await engine.api('GET', '/api/v1/prompts/default')).toMatchObject({ body: { version: 2, template: 'New text for {{who}}' } });

      const { resources } = await client.listResources();
      expect(resources.map((resource) => resource.uri)).toEqual(expect.arrayContaining(['forprompt://prompts', 'forprompt://prompts/support-reply', 'forprompt://prompts/chat.helper']));
      const version = await client.readResource({ uri: 'forprompt://prompts/support-reply/v2' });
      expect((version.contents[0] as { text: string }).text).toContain('(ticket {{ticket.id}})');
    } finally {
      await client.close();
    }
  });
});
