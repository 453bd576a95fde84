// Desktop manager benchmark (issue 8).
//  1. `forprompt-manager up` on a warm machine (images present, volume initialised) to engine ready,
//     against the same steps done by hand in the same run: start the PostgreSQL container, wait for
//     pg_isready, then start the engine and wait for /readyz.
//  2. Backup and restore of a database with 1,000,000 spans (MB/s of COPY text), the round trip verified
//     by checksums; baselines: raw COPY of every table to nowhere, raw COPY FROM of the same text.
// Needs a Docker engine for part 1 (DOCKER_HOST, /var/run/docker.sock, or the desktop tests' dockerd in
// /tmp/forprompt-test-docker) with the test PostgreSQL image (built by `npm test`); part 2 needs none.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import tar from 'tar-stream';
import { createBackup, restoreBackupInto } from '../desktop/dist/core/backup/index.js';
import { discoverContainerEngine } from '../desktop/dist/core/container-engine.js';
import { embeddedDatabaseUrl, embeddedEngineEnv, freePort, root, sleep, startEngine } from './_lib.mjs';
import { seedTraces } from './seed-traces.mjs';

const TRACES = Number(process.env.BENCH_TRACES ?? 100_000);
const API_KEY = `fp_proj_${'BenchDsk'.repeat(4)}`;
const cli = path.join(root, 'desktop/dist/cli.js');
const mb = (bytes) => bytes / 1e6;

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`forprompt-manager ${args.join(' ')} failed (${code}):\n${output}`))));
  });
}

async function findDocker() {
  const candidates = [process.env.DOCKER_HOST, 'unix:///tmp/forprompt-test-docker/docker.sock'].filter(Boolean);
  for (const address of candidates) {
    const found = await discoverContainerEngine({ address });
    if (found.found) return found;
  }
  const found = await discoverContainerEngine();
  return found.found ? found : undefined;
}

async function benchUp() {
  const engine = await findDocker();
  if (!engine) {
    console.log('up: no Docker engine found (set DOCKER_HOST); part 1 not measured.');
    return;
  }
  const images = await engine.docker.listImages({ filters: { reference: ['forprompt-test/postgres'] } });
  const image = images[0]?.RepoTags?.[0];
  if (!image) {
    console.log('up: the test PostgreSQL image is not built (run `npm test` once); part 1 not measured.');
    return;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-bench-desktop-'));
  const stackName = `fpbench-${Date.now().toString(36)}`;
  const env = { FORPROMPT_HOME: home, DOCKER_HOST: engine.address };
  fs.mkdirSync(path.join(home, 'manager'), { recursive: true });
  fs.writeFileSync(
    path.join(home, 'manager', 'settings.json'),
    JSON.stringify({ database: 'container', containerHost: engine.address, stackName, manifest: { formatVersion: 1, postgres: { image }, ollama: { image: 'ollama/ollama:0.5.7' } }, enginePort: await freePort(), engineEnv: { LOG_LEVEL: 'warn' } }),
  );
  try {
    await run(['up'], env); // cold: creates the volume and initialises PostgreSQL
    await run(['down'], env);
    const times = [];
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      await run(['up'], env);
      times.push(performance.now() - started);
      await run(['down'], env);
    }
    // Baseline: the same container started by hand from the same volume, then the engine.
    const secrets = JSON.parse(fs.readFileSync(path.join(home, 'manager', 'secrets.json'), 'utf8')).secrets;
    const password = Buffer.from(secrets[`stack.${stackName}.postgres.password`], 'base64').toString('utf8');
    const port = await freePort();
    const started = performance.now();
    const container = await engine.docker.createContainer({
      Image: image,
      Env: ['POSTGRES_USER=forprompt', `POSTGRES_PASSWORD=${password}`, 'POSTGRES_DB=forprompt', 'PGDATA=/var/lib/postgresql/data/pgdata'],
      ExposedPorts: { '5432/tcp': {} },
      HostConfig: { PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] }, Mounts: [{ Type: 'volume', Source: `${stackName}-pgdata`, Target: '/var/lib/postgresql/data' }] },
    });
    await container.start();
    const databaseUrl = `postgres://forprompt:${password}@127.0.0.1:${port}/forprompt`;
    for (;;) {
      const client = new pg.Client({ connectionString: databaseUrl });
      try {
        await client.connect();
        await client.end();
        break;
      } catch {
        await sleep(50);
      }
    }
    const databaseMs = performance.now() - started;
    const key = fs.readFileSync(path.join(home, 'encryption.key'), 'utf8').trim();
    const bare = await startEngine({ DATA_PROVIDER: 'postgresql', DATABASE_URL: databaseUrl, ENCRYPTION_KEY: key, FORPROMPT_HOME: home });
    const baselineMs = performance.now() - started;
    await bare.stop();
    await container.remove({ force: true });
    const best = Math.min(...times);
    console.log(`up (warm, images present), 3 rounds: best ${(best / 1000).toFixed(2)} s, median ${(times.sort((a, b) => a - b)[1] / 1000).toFixed(2)} s`);
    console.log(`  baseline by hand: container start → PostgreSQL accepting ${(databaseMs / 1000).toFixed(2)} s, + engine to /readyz = ${(baselineMs / 1000).toFixed(2)} s`);
  } finally {
    await run(['down'], env).catch(() => {});
    for (const volume of (await engine.docker.listVolumes({ filters: { label: [`com.forprompt.stack=${stackName}`] } })).Volumes ?? []) {
      await engine.docker.getVolume(volume.Name).remove({ force: true }).catch(() => {});
    }
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Raw COPY of every table to nowhere, in one snapshot: what the backup's export cannot beat. */
async function rawExport(databaseUrl, tables) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let bytes = 0;
  const started = performance.now();
  await client.query('begin isolation level repeatable read read only');
  for (const table of tables) {
    await pipeline(client.query(copyStreams.to(`copy "${table}" to stdout`)), new Writable({ write(chunk, _encoding, done) { bytes += chunk.length; done(); } }));
  }
  await client.query('commit');
  await client.end();
  return { bytes, ms: performance.now() - started };
}

/** Raw COPY FROM of an archive's table files (no checksums, no verification), in one transaction. */
async function rawImport(databaseUrl, file) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  await client.query('begin');
  const extract = tar.extract();
  const source = fs.createReadStream(file).pipe(zlib.createGunzip()).pipe(extract);
  let manifest;
  let truncated = false;
  for await (const entry of source) {
    if (entry.header.name === 'manifest.json') {
      const chunks = [];
      for await (const chunk of entry) chunks.push(chunk);
      manifest = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      continue;
    }
    if (!truncated) {
      await client.query(`truncate ${manifest.tables.map((table) => `"${table.name}"`).join(', ')}`);
      truncated = true;
    }
    const table = manifest.tables.find((candidate) => `tables/${candidate.name}.copy` === entry.header.name);
    await pipeline(entry, client.query(copyStreams.from(`copy "${table.name}" (${table.columns.map((column) => `"${column}"`).join(', ')}) from stdin`)));
  }
  await client.query('commit');
  await client.end();
  return performance.now() - started;
}

async function benchBackupRestore() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fp-bench-backup-'));
  const engine = await startEngine(await embeddedEngineEnv(home, API_KEY));
  const databaseUrl = embeddedDatabaseUrl(home);
  const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/forprompt$/, '/postgres') });
  try {
    await admin.connect();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const projectId = (await client.query('select id from projects limit 1')).rows[0].id;
    const seedStarted = performance.now();
    const spans = await seedTraces(client, projectId, { traces: TRACES, spansPerTrace: 10 });
    await client.query('vacuum analyze');
    await client.end();
    console.log(`\nSeeded ${spans.toLocaleString('en')} spans in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s.`);

    const file = path.join(home, 'bench.fpbackup');
    const backupStarted = performance.now();
    const backup = await createBackup({ databaseUrl, outFile: file, appVersion: 'bench' });
    const backupMs = performance.now() - backupStarted;
    const dataBytes = backup.manifest.tables.reduce((sum, table) => sum + table.bytes, 0);
    const raw = await rawExport(databaseUrl, backup.manifest.tables.map((table) => table.name));
    console.log(`backup: ${mb(dataBytes).toFixed(0)} MB of table data → ${mb(backup.bytes).toFixed(0)} MB archive in ${(backupMs / 1000).toFixed(1)} s = ${(mb(dataBytes) / (backupMs / 1000)).toFixed(1)} MB/s (export, compress, read back and verify)`);
    console.log(`  baseline raw COPY of every table to nowhere: ${mb(raw.bytes).toFixed(0)} MB in ${(raw.ms / 1000).toFixed(1)} s = ${(mb(raw.bytes) / (raw.ms / 1000)).toFixed(1)} MB/s`);

    const schemaArgs = ['--migrate-only', `--migrate-to=${backup.manifest.schemaVersion.lastTag}`];
    const key = fs.readFileSync(path.join(home, 'encryption.key'), 'utf8').trim();
    const prepare = async (name) => {
      await admin.query(`create database "${name}"`);
      const url = databaseUrl.replace(/\/forprompt$/, `/${name}`);
      await new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(root, 'engine/dist/main.js'), ...schemaArgs], { env: { ...process.env, DATA_PROVIDER: 'postgresql', DATABASE_URL: url, ENCRYPTION_KEY: key, FORPROMPT_HOME: home, LOG_LEVEL: 'warn' }, stdio: 'inherit' });
        child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`migrate exited ${code}`))));
      });
      return url;
    };
    const restoreUrl = await prepare('bench_restore');
    const restoreStarted = performance.now();
    const restored = await restoreBackupInto({ file, databaseUrl: restoreUrl });
    const restoreMs = performance.now() - restoreStarted;
    const rawUrl = await prepare('bench_raw');
    const rawMs = await rawImport(rawUrl, file);
    console.log(`restore: ${restored.tables.spans.toLocaleString('en')} spans back, checksums of every table verified against the manifest, in ${(restoreMs / 1000).toFixed(1)} s = ${(mb(dataBytes) / (restoreMs / 1000)).toFixed(1)} MB/s`);
    console.log(`  baseline raw COPY FROM of the same archive (no checks): ${(rawMs / 1000).toFixed(1)} s = ${(mb(dataBytes) / (rawMs / 1000)).toFixed(1)} MB/s`);
  } finally {
    await admin.end().catch(() => {});
    await engine.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (!process.argv.includes('--skip-up')) await benchUp();
await benchBackupRestore();
