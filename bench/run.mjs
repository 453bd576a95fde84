#!/usr/bin/env node
// `npm run bench -- <name>`: runs bench/<name>.mjs. Benchmarks print the measured figure and a baseline
// measured in the same run. They are never part of `npm test`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = fs
  .readdirSync(here)
  .filter((file) => file.endsWith('.mjs') && file !== 'run.mjs' && !file.startsWith('_'))
  .map((file) => file.replace(/\.mjs$/, ''));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`Usage: npm run bench -- <name>\nAvailable: ${available.join(', ')}`);
  process.exit(2);
}
await import(pathToFileURL(path.join(here, `${name}.mjs`)).href);
