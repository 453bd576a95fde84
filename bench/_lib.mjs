// Shared helpers of the benchmarks: process memory (PSS), free ports, engine processes, statistics.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Proportional set size in kB: shared pages (PostgreSQL's shared buffers) divided among their users. */
export function pssKb(pid) {
  const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
}

/** A process and all its descendants, from /proc. */
export function processTree(pid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  const tree = [];
  const visit = (current) => {
    tree.push(current);
    for (const child of children.get(current) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}

export function treePssMb(pids) {
  return pids.reduce((total, pid) => {
    try {
      return total + pssKb(pid);
    } catch {
      return total;
    }
  }, 0) / 1024;
}

export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The environment of an engine on its own embedded PostgreSQL in `home`, initialised headless with a project key. */
export async function embeddedEngineEnv(home, apiKey) {
  return {
    DATA_PROVIDER: 'embedded',
    FORPROMPT_HOME: home,
    EMBEDDED_PG_PORT: String(await freePort()),
    DATABASE_URL: '',
    ENCRYPTION_KEY: '',
    FORPROMPT_INIT_USER_EMAIL: 'bench@example.com',
    FORPROMPT_INIT_USER_PASSWORD: 'benchmark-password',
    FORPROMPT_INIT_ORG_NAME: 'Bench',
    FORPROMPT_INIT_PROJECT_NAME: 'Bench',
    FORPROMPT_INIT_PROJECT_API_KEY: apiKey,
  };
}

/**
 * Spawns the built engine and resolves once /readyz answers 200, with the time that took.
 * `BENCH_ENGINE_NODE_ARGS` adds Node options to the engine (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
export async function startEngine(env) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'engine/dist/main.js')], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`engine exited early: ${stderr}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - started > 60_000) throw new Error(`engine not ready after 60 s: ${stderr}`);
    await sleep(10);
  }
  const readyMs = performance.now() - started;
  return {
    url,
    pid: child.pid,
    readyMs,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** The connection URL of the embedded PostgreSQL an engine started in `home` (from its state file). */
export function embeddedDatabaseUrl(home) {
  const state = JSON.parse(fs.readFileSync(path.join(home, 'embedded-pg.json'), 'utf8'));
  return `postgres://forprompt:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/forprompt`;
}

/**
 * `COPY … FROM STDIN` with pg's client alone (pg-copy-streams is not a dependency): a query object
 * pg drives through its protocol hooks, sending `text` (COPY text format) in 1 MB chunks.
 */
export function copyFrom(client, statement, text) {
  return new Promise((resolve, reject) => {
    let failure = null;
    let rowCount = 0;
    client.query({
      submit(connection) {
        connection.query(statement);
      },
      handleCopyInResponse(connection) {
        const data = Buffer.from(text, 'utf8');
        for (let offset = 0; offset < data.length; offset += 1 << 20) connection.sendCopyFromChunk(data.subarray(offset, offset + (1 << 20)));
        connection.endCopyFrom();
      },
      handleCommandComplete(message) {
        rowCount = Number(/\d+$/.exec(message.text)?.[0] ?? 0);
      },
      handleError(error) {
        failure = error;
      },
      handleReadyForQuery() {
        if (failure) reject(failure);
        else resolve(rowCount);
      },
    });
  });
}

/** A value for COPY's text format: backslash, tab and newlines escaped; null as \N. */
export function copyValue(value) {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
