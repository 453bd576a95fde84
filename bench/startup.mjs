// Startup benchmark (issue: foundation). Targets: cold start ≤10 s, warm start ≤3 s, idle memory of the
// engine plus its PostgreSQL ≤250 MB (PSS). Baselines in the same run: the bare embedded PostgreSQL
// started by the same launcher without the engine, and a bare node:http server's idle memory.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, median, processTree, root, sleep, startEngine, treePssMb } from './_lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IDLE_SETTLE_MS = 3_000;
const { startEmbeddedPostgres } = await import(pathToFileURL(path.join(root, 'engine/dist/data/embedded/server.js')).href);
const { pino } = await import('pino');
const silent = pino({ level: 'silent' });

function postmasterPid(home) {
  return Number(fs.readFileSync(path.join(home, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function bareNodeIdleMb() {
  const child = spawn(process.execPath, ['-e', "require('node:http').createServer((q,s)=>s.end('ok')).listen(0,'127.0.0.1')"], { stdio: 'ignore' });
  await sleep(IDLE_SETTLE_MS);
  const mb = treePssMb([child.pid]);
  child.kill();
  await once(child, 'exit');
  return mb;
}

async function measureBarePostgres() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-bench-bare-'));
  const port = await freePort();
  let started = performance.now();
  let server = await startEmbeddedPostgres({ home, preferredPort: port, logger: silent });
  const coldMs = performance.now() - started;
  await server.stop();
  started = performance.now();
  server = await startEmbeddedPostgres({ home, preferredPort: port, logger: silent });
  const warmMs = performance.now() - started;
  await sleep(IDLE_SETTLE_MS);
  const idleMb = treePssMb(processTree(server.pid));
  await server.stop();
  fs.rmSync(home, { recursive: true, force: true });
  return { coldMs, warmMs, idleMb };
}

async function measureEngine() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-bench-engine-'));
  const env = { DATA_PROVIDER: 'embedded', FORPROMPT_HOME: home, EMBEDDED_PG_PORT: String(await freePort()), DATABASE_URL: '', ENCRYPTION_KEY: '' };
  const cold = await startEngine(env);
  await cold.stop();
  const warm = await startEngine(env);
  await sleep(IDLE_SETTLE_MS);
  const engineMb = treePssMb([warm.pid]);
  const postgresMb = treePssMb(processTree(postmasterPid(home)));
  await warm.stop();
  fs.rmSync(home, { recursive: true, force: true });
  return { coldMs: cold.readyMs, warmMs: warm.readyMs, engineMb, postgresMb };
}

console.log(`startup benchmark: ${RUNS} runs each, median reported (${os.cpus().length} cores, Node ${process.version})`);
const engineRuns = [];
const bareRuns = [];
for (let run = 1; run <= RUNS; run++) {
  bareRuns.push(await measureBarePostgres());
  engineRuns.push(await measureEngine());
  const e = engineRuns.at(-1);
  console.log(`  run ${run}: engine cold ${(e.coldMs / 1000).toFixed(2)} s, warm ${(e.warmMs / 1000).toFixed(2)} s, idle ${(e.engineMb + e.postgresMb).toFixed(0)} MB`);
}
const bareNodeMb = await bareNodeIdleMb();

const pick = (runs, field) => median(runs.map((entry) => entry[field]));
const rows = [
  ['cold start to /readyz (fresh FORPROMPT_HOME)', `${(pick(engineRuns, 'coldMs') / 1000).toFixed(2)} s`, `${(pick(bareRuns, 'coldMs') / 1000).toFixed(2)} s bare PostgreSQL initdb+start`, '≤ 10 s'],
  ['warm start to /readyz (existing data)', `${(pick(engineRuns, 'warmMs') / 1000).toFixed(2)} s`, `${(pick(bareRuns, 'warmMs') / 1000).toFixed(2)} s bare PostgreSQL start`, '≤ 3 s'],
  [
    'idle memory, engine + PostgreSQL (PSS)',
    `${(pick(engineRuns, 'engineMb') + pick(engineRuns, 'postgresMb')).toFixed(0)} MB (engine ${pick(engineRuns, 'engineMb').toFixed(0)} + PostgreSQL ${pick(engineRuns, 'postgresMb').toFixed(0)})`,
    `${(bareNodeMb + pick(bareRuns, 'idleMb')).toFixed(0)} MB (bare node:http ${bareNodeMb.toFixed(0)} + bare PostgreSQL ${pick(bareRuns, 'idleMb').toFixed(0)})`,
    '≤ 250 MB',
  ],
];
console.log('\n| measure | ForPrompt | baseline (same run) | target |\n|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
