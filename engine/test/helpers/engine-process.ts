import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunningEngine {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** SIGTERM, then SIGKILL if the engine has not exited after 10 s. */
  /** Resolves with how the engine exited: `exit code 0`, `signal SIGKILL`, … */
  stop(): Promise<string>;
  /** SIGKILL at once (a crash: no shutdown work); resolves once the process is gone. */
  kill(): Promise<string>;
  /** Everything the engine wrote to stdout and stderr so far. */
  output(): string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const engineEntry = path.join(repoRoot, 'engine/dist/main.js');

const readyTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;
const maxOutputChars = 200_000;

import { findFreePort } from '../../src/data/embedded/ports.js';
import { isPublicPath, ResponseContract, type OpenApiDocument } from './openapi-contract.js';
import { checkFetchedResponses } from './response-check.js';

export { findFreePort };

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** From here on, what `fetch` reads from the engine is checked against the document it serves. */
async function checkResponses(url: string): Promise<{ forget: () => void }> {
  const document = (await (await fetch(`${url}/api/openapi.json`)).json()) as OpenApiDocument;
  return checkFetchedResponses(url, new ResponseContract(document, (_method, path) => isPublicPath(path)));
}

/**
 * Starts the built engine (engine/dist/main.js) as a child process on a free port and waits until
 * `GET /readyz` answers 200. Throws with the engine's output if it exits early or is not ready in 30 s.
 */
export async function startEngine(options: { env: Record<string, string>; port?: number }): Promise<RunningEngine> {
  const port = options.port ?? (await findFreePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [engineEntry], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let collected = '';
  const collect = (chunk: Buffer) => {
    // Keep the tail: the last lines explain a failure best.
    collected = (collected + chunk.toString('utf8')).slice(-maxOutputChars);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  let exitDescription: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitDescription = signal === null ? `exit code ${code}` : `signal ${signal}`;
      resolve();
    });
    child.once('error', (error) => {
      exitDescription = `spawn error: ${error.message}`;
      resolve();
    });
  });

  async function stop(): Promise<string> {
    if (exitDescription !== null) return exitDescription;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    await exited;
    clearTimeout(timer);
    return exitDescription ?? 'unknown';
  }

  async function kill(): Promise<string> {
    if (exitDescription === null) child.kill('SIGKILL');
    await exited;
    return exitDescription ?? 'unknown';
  }

  const output = () => collected;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exitDescription !== null) {
      throw new Error(`engine exited before it was ready (${exitDescription}). Output:\n${collected}`);
    }
    if (await isReady(url)) {
      const check = await checkResponses(url);
      return { url, stop: () => stop().finally(check.forget), kill: () => kill().finally(check.forget), output };
    }
    await Promise.race([sleep(200), exited]);
  }

  await stop();
  throw new Error(`engine at ${url} was not ready within ${readyTimeoutMs / 1000} s. Output:\n${collected}`);
}

/** Runs the engine until it exits by itself (boot failures, `--migrate-only`); bounded by `timeoutMs`. */
export async function runEngineToExit(
  env: Record<string, string>,
  args: string[] = [],
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [engineEntry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', PORT: String(await findFreePort()), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}
