#!/usr/bin/env node
// Builds the SDK twice: ES modules with types into dist/, CommonJS with types into dist/cjs/ (marked
// {"type":"commonjs"} so Node and TypeScript read those files as CommonJS). package.json "exports"
// picks one by the import/require condition.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = path.join(path.dirname(createRequire(path.join(here, 'package.json')).resolve('typescript/package.json')), 'bin/tsc');

for (const project of ['tsconfig.json', 'tsconfig.cjs.json']) {
  const result = spawnSync(process.execPath, [tsc, '-p', project], { cwd: here, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
fs.writeFileSync(path.join(here, 'dist/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
