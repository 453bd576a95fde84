import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const sdkDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What `npm run build` leaves in sdk/dist: the package as applications install it. */
describe('the built package', () => {
  it('offers the same API to import (ESM) and require (CommonJS), each with its own types', async () => {
    const require = createRequire(path.join(sdkDirectory, 'package.json'));
    const commonJs = require('@forprompt/sdk') as Record<string, unknown>;
    const esm = (await import(pathToFileURL(path.join(sdkDirectory, 'dist/index.js')).href)) as Record<string, unknown>;
    expect(Object.keys(commonJs).sort()).toEqual(Object.keys(esm).sort());
    expect((commonJs.compileTemplate as (template: string, values: object) => string)('Hi {{name}}', { name: 'CJS' })).toBe('Hi CJS');
    expect(JSON.parse(await fs.readFile(path.join(sdkDirectory, 'dist/cjs/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    await fs.access(path.join(sdkDirectory, 'dist/cjs/index.d.ts'));
    await fs.access(path.join(sdkDirectory, 'dist/index.d.ts'));
  });

  it('imports nothing from Node or any package at load time, so browsers, Deno and edge runtimes can load it', async () => {
    const files = (await fs.readdir(path.join(sdkDirectory, 'dist'))).filter((file) => file.endsWith('.js'));
    for (const file of files) {
      const source = await fs.readFile(path.join(sdkDirectory, 'dist', file), 'utf8');
      const imports = [...source.matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
      expect(imports.filter((specifier) => !specifier.startsWith('./')), file).toEqual([]);
    }
  });

  it('creates clients and the default instance without reading the environment or touching the network', async () => {
    const esm = (await import(pathToFileURL(path.join(sdkDirectory, 'dist/index.js')).href)) as typeof import('../src/index.js');
    const saved = process.env.FORPROMPT_BASE_URL;
    process.env.FORPROMPT_BASE_URL = 'not a url';
    try {
      // Neither import nor construction reads it: only first use does, and fails there with a typed error.
      const client = esm.createForPrompt();
      await expect(client.getPrompt('x')).rejects.toBeInstanceOf(esm.ConfigurationError);
    } finally {
      if (saved === undefined) delete process.env.FORPROMPT_BASE_URL;
      else process.env.FORPROMPT_BASE_URL = saved;
    }
  });
});
