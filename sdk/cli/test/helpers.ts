import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../../../engine/test/helpers/db.js';
import { startEngine } from '../../../engine/test/helpers/engine-process.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built CLI, run as users run it. */
export const cliEntry = path.join(repoRoot, 'sdk/cli/dist/main.js');
export const tscEntry = path.join(repoRoot, 'node_modules/typescript/bin/tsc');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The parent's environment without any FORPROMPT_* setting, so only what a test passes counts. */
function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FORPROMPT_')));
  return { ...env, ...extra };
}

export function runNode(args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult> {
  if (!fs.existsSync(cliEntry)) throw new Error(`${cliEntry} is missing: run "node scripts/build.mjs" first`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: cleanEnvironment(options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function runCli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  return runNode([cliEntry, ...args], options);
}

/** `tsc --noEmit` over a directory's tsconfig.json (the compiler of this repository). */
export function typeCheck(dir: string): Promise<CliResult> {
  return runNode([tscEntry, '--noEmit', '-p', dir], { cwd: dir, timeoutMs: 60_000 });
}

export async function temporaryDirectory(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `fp-cli-${prefix}-`));
}

export interface TestEngine {
  url: string;
  apiKey: string;
  /** A request to the engine's public API with the project key. */
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

/**
 * A real engine on a copy of the run's template database, initialised headlessly with one project
 * whose API key the tests use.
 */
export async function startProjectEngine(): Promise<TestEngine> {
  const database = await createTestDatabase();
  const home = await temporaryDirectory('engine');
  const apiKey = `fp_proj_${randomBytes(16).toString('hex')}`;
  const engine = await startEngine({
    env: {
      DATA_PROVIDER: 'postgresql',
      DATABASE_URL: database.url,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      FORPROMPT_HOME: home,
      FORPROMPT_INIT_USER_EMAIL: 'owner@example.com',
      FORPROMPT_INIT_USER_PASSWORD: 'cli-tests-password',
      FORPROMPT_INIT_ORG_NAME: 'CLI Org',
      FORPROMPT_INIT_PROJECT_NAME: 'CLI Project',
      FORPROMPT_INIT_PROJECT_API_KEY: apiKey,
    },
  }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  return {
    url: engine.url,
    apiKey,
    async api(method, route, body) {
      const response = await fetch(`${engine.url}${route}`, {
        method,
        headers: { 'X-API-Key': apiKey, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    async stop() {
      await engine.stop();
      await database.drop();
      await rm(home, { recursive: true, force: true });
    },
  };
}
