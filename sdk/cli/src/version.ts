import fs from 'node:fs';

/** This package's version (dist/version.js reads ../package.json). */
export const CLI_VERSION = (JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
