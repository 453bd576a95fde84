#!/usr/bin/env node
// `npm run dev`: the engine recompiled and restarted on change (tsc --watch + node --watch), and the
// dashboard on Vite's dev server with hot reload, proxying the API to the engine.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resolveBin = (workspace, pkg, file) =>
  path.join(path.dirname(createRequire(path.join(root, workspace, 'package.json')).resolve(`${pkg}/package.json`)), file);

const enginePort = process.env.PORT ?? '3000';
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const children = [
  spawn(process.execPath, [resolveBin('engine', 'typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'], {
    cwd: path.join(root, 'engine'),
    stdio: 'inherit',
  }),
  spawn(process.execPath, ['--watch-path=engine/dist', 'engine/dist/main.js'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PORT: enginePort },
  }),
  spawn(process.execPath, [resolveBin('ui', 'vite', 'bin/vite.js')], {
    cwd: path.join(root, 'ui'),
    stdio: 'inherit',
    env: { ...process.env, ENGINE_PORT: enginePort },
  }),
];

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGINT');
  setTimeout(() => process.exit(code), 3_000).unref();
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());
for (const child of children) child.on('exit', (code) => stop(code ?? 1));
