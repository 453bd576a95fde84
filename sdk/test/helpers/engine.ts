import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../../../engine/test/helpers/db.js';
import { findFreePort, startEngine, type RunningEngine } from '../../../engine/test/helpers/engine-process.js';

export interface TestEngine {
  /** The engine's root URL (changes never: a restart reuses the port). */
  url: string;
  /** The project API key created by the headless init (FORPROMPT_INIT_*). */
  apiKey: string;
  /** Stops the engine process (the database stays). */
  stop(): Promise<void>;
  /** Starts it again on the same port and database. */
  start(): Promise<void>;
  /** Calls the engine's public API with the key (for arranging and checking, not through the SDK). */
  call(pathname: string, init?: RequestInit): Promise<Response>;
  /** Stops the engine and drops its database and home directory. */
  dispose(): Promise<void>;
}

/** The built engine on a fresh copy of the template database, initialised headless with a project API key. */
export async function startTestEngine(extraEnv: Record<string, string> = {}): Promise<TestEngine> {
  const database = await createTestDatabase();
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'fp-sdk-'));
  const apiKey = `fp_proj_${randomBytes(16).toString('hex')}`;
  const port = await findFreePort();
  const env = {
    DATA_PROVIDER: 'postgresql',
    DATABASE_URL: database.url,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    FORPROMPT_HOME: home,
    FORPROMPT_INIT_USER_EMAIL: 'sdk@example.com',
    FORPROMPT_INIT_USER_PASSWORD: 'sdk-test-password',
    FORPROMPT_INIT_ORG_NAME: 'SDK',
    FORPROMPT_INIT_PROJECT_NAME: 'SDK tests',
    FORPROMPT_INIT_PROJECT_API_KEY: apiKey,
    ...extraEnv,
  };
  let running: RunningEngine | undefined = await startEngine({ env, port });
  const url = running.url;
  return {
    url,
    apiKey,
    async stop() {
      await running?.stop();
      running = undefined;
    },
    async start() {
      running ??= await startEngine({ env, port });
    },
    call: (pathname, init = {}) =>
      fetch(`${url}${pathname}`, { ...init, headers: { 'x-api-key': apiKey, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } }),
    async dispose() {
      await running?.stop();
      running = undefined;
      await database.drop();
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}

/** Saves a prompt version through the public API (arranging a test, not exercising the SDK). */
export async function savePrompt(engine: TestEngine, body: Record<string, unknown>): Promise<void> {
  const response = await engine.call('/api/v1/prompts', { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`saving ${JSON.stringify(body)} failed: ${response.status} ${await response.text()}`);
}
