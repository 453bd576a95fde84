#!/usr/bin/env node
// Builds what `npm start` needs — sdk and its CLI, engine, desktop (tsc) and the dashboard (vite) — skipping each
// package whose sources have not changed since its last build. `--force` rebuilds everything.
// Runs at `npm install` (prepare), before `npm start` and before `npm test`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
/** A package's bin as its workspace resolves it (npm may hoist it or keep it in the workspace). */
function bin(workspace, pkg, file) {
  try {
    const require = createRequire(path.join(root, workspace, 'package.json'));
    return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
  } catch {
    return path.join(root, 'node_modules', pkg, file);
  }
}
const tsc = (workspace) => bin(workspace, 'typescript', 'bin/tsc');

const packages = [
  // ES modules and CommonJS, both with types (sdk/build.mjs).
  { name: 'sdk', inputs: ['src', 'tsconfig.json', 'tsconfig.cjs.json', 'build.mjs', 'package.json'], command: [path.join(root, 'sdk/build.mjs')] },
  // The CLI compiles against the SDK's types, so a change to the SDK's sources rebuilds it too.
  { name: 'sdk/cli', inputs: ['src', 'tsconfig.json', 'package.json', '../src'], command: [tsc('sdk/cli'), '-p', 'tsconfig.json'] },
  { name: 'engine', inputs: ['src', 'tsconfig.json', 'package.json', 'drizzle'], command: [tsc('engine'), '-p', 'tsconfig.json'] },
  { name: 'desktop', inputs: ['src', 'tsconfig.json', 'tsconfig.web.json', 'build.mjs', 'package.json'], command: [path.join(root, 'desktop/build.mjs')] },
  {
    name: 'ui',
    inputs: ['src', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json', 'public', '../engine/src/access', '../engine/src/audit/catalog.ts', '../engine/src/data/prompts.ts', '../sdk/src/template.ts', '../sdk/src/prompts.ts'],
    command: [bin('ui', 'vite', 'bin/vite.js'), 'build', '--logLevel', 'warn'],
  },
];

function* files(entry) {
  if (!fs.existsSync(entry)) return;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) {
    yield [entry, stat];
    return;
  }
  for (const child of fs.readdirSync(entry).sort()) {
    if (child === 'node_modules' || child === 'dist') continue;
    yield* files(path.join(entry, child));
  }
}

/** A fingerprint of the package's sources (paths, sizes, modification times) and the root lockfile. */
function fingerprint(dir, inputs) {
  const hash = createHash('sha256');
  for (const input of [...inputs.map((name) => path.join(dir, name)), path.join(root, 'package-lock.json')]) {
    for (const [file, stat] of files(input)) hash.update(`${path.relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

let built = 0;
for (const pkg of packages) {
  const dir = path.join(root, pkg.name);
  if (!fs.existsSync(path.join(dir, 'package.json'))) continue;
  const stampFile = path.join(dir, 'dist', '.build-stamp');
  const stamp = fingerprint(dir, pkg.inputs);
  if (!force && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) continue;
  if (!fs.existsSync(pkg.command[0])) {
    console.error(`Cannot build ${pkg.name}: ${path.relative(root, pkg.command[0])} is missing. Run "npm install" (with dev dependencies) first.`);
    process.exit(1);
  }
  const started = Date.now();
  process.stdout.write(`Building ${pkg.name}… `);
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  const result = spawnSync(process.execPath, pkg.command, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.error(`\nBuilding ${pkg.name} failed.`);
    process.exit(result.status ?? 1);
  }
  fs.mkdirSync(path.dirname(stampFile), { recursive: true });
  fs.writeFileSync(stampFile, stamp);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  built++;
}
if (built === 0 && !process.argv.includes('--quiet')) console.log('Build is up to date.');
