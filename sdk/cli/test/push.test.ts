import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startProjectEngine, temporaryDirectory, type TestEngine } from './helpers.js';

const greeting = (text: string) => `---
name: Greeting
description: Says hello
tags: [onboarding, email]
config: {"temperature": 0.2}
---
${text}
`;

const chatHelper = JSON.stringify({ name: 'Chat helper', messages: [{ role: 'system', content: 'You help {{user}}.' }] }, null, 2);

describe('forprompt push and validate', () => {
  let engine: TestEngine;
  let env: Record<string, string>;
  let dir: string;

  const latestVersions = async () => {
    const { body } = await engine.api('GET', '/api/v1/prompts');
    return Object.fromEntries((body as { prompts: Array<{ key: string; latestVersion: number | null }> }).prompts.map((prompt) => [prompt.key, prompt.latestVersion]));
  };
  const writePrompt = (name: string, content: string) => fs.writeFile(path.join(dir, 'prompts', name), content);

  beforeAll(async () => {
    engine = await startProjectEngine();
    env = { FORPROMPT_API_KEY: engine.apiKey, FORPROMPT_BASE_URL: engine.url };
    dir = await temporaryDirectory('push');
    await fs.mkdir(path.join(dir, 'prompts'));
    await writePrompt('greeting.md', greeting('Hello {{name}}, welcome to {{product}}.'));
    await writePrompt('chat.helper.json', chatHelper);
  });

  afterAll(async () => {
    await engine?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a dry run shows what would change and changes nothing', async () => {
    const result = await runCli(['push', '--dry-run', '--label', 'production'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[1/2] chat.helper  would create the prompt (version 1, labelled production)');
    expect(result.stdout).toContain('Dry run (nothing was changed): 2 created.');
    expect(await latestVersions()).toEqual({});
  });

  it('creates the prompts, with the label', async () => {
    const result = await runCli(['push', '--label', 'production'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[2/2] greeting     created v1');
    expect(await latestVersions()).toEqual({ 'chat.helper': 1, greeting: 1 });
    const { body } = await engine.api('GET', '/api/v1/prompts/greeting?label=production');
    expect(body).toMatchObject({ name: 'Greeting', description: 'Says hello', type: 'text', template: 'Hello {{name}}, welcome to {{product}}.', config: { temperature: 0.2 } });
    expect(await engine.api('GET', '/api/v1/prompts/chat.helper?label=production')).toMatchObject({ body: { type: 'chat', messages: [{ role: 'system', content: 'You help {{user}}.' }] } });
  });

  it('creates versions only for files whose content changed', async () => {
    const unchanged = await runCli(['push'], { cwd: dir, env });
    expect(unchanged.code).toBe(0);
    expect(unchanged.stdout).toContain('Pushed: 2 unchanged.');
    expect(await latestVersions()).toEqual({ 'chat.helper': 1, greeting: 1 });

    await writePrompt('greeting.md', greeting('Hi {{name}}! Welcome to {{product}}.'));
    const changed = await runCli(['push', '--message', 'friendlier'], { cwd: dir, env });
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('greeting     added v2');
    expect(changed.stdout).toContain('Pushed: 1 new version, 1 unchanged.');
    expect(await latestVersions()).toEqual({ 'chat.helper': 1, greeting: 2 });
    expect(await engine.api('GET', '/api/v1/prompts/greeting?version=2')).toMatchObject({ body: { commitMessage: 'friendlier', labels: ['latest'] } });

    // The unchanged content gets the label moved onto its newest version, and a dry run does not.
    await writePrompt('greeting.md', greeting('Hi {{name}}! Welcome to {{product}}.'));
    const dryMove = await runCli(['push', '--label', 'production', '--dry-run'], { cwd: dir, env });
    expect(dryMove.stdout).toContain('greeting     would move production to v2');
    expect(await engine.api('GET', '/api/v1/prompts/greeting')).toMatchObject({ body: { version: 1 } });
    const move = await runCli(['push', '--label', 'production'], { cwd: dir, env });
    expect(move.stdout).toContain('greeting     moved production to v2');
    expect(await engine.api('GET', '/api/v1/prompts/greeting')).toMatchObject({ body: { version: 2 } });
  });

  it('validate reports a malformed template with its line and column, exits non-zero, and push then pushes nothing', async () => {
    await writePrompt('broken.md', '---\nname: Broken\n---\nFirst line is fine.\nSecond: {{name}} and {{unclosed\n');
    const result = await runCli(['validate'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${path.join('prompts', 'broken.md')}:5:22: Unclosed "{{"`);
    expect(result.stderr).toBe('forprompt: 1 problem in 3 prompt files\n');

    const push = await runCli(['push'], { cwd: dir, env });
    expect(push.code).toBe(1);
    expect(push.stderr).toContain('forprompt: 1 problem in the prompt files; nothing was pushed');
    expect(await latestVersions()).toEqual({ 'chat.helper': 1, greeting: 2 });
    await fs.rm(path.join(dir, 'prompts', 'broken.md'));
  });

  it('validate passes valid files and checks the key with the engine', async () => {
    const result = await runCli(['validate'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('API key is valid for project "CLI Project" (CLI Org).\n2 prompt files valid.\n');
  });
});
