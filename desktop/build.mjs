#!/usr/bin/env node
// Builds the desktop package into dist/:
//   tsc               src → dist (core, CLI, Electron main; ES modules)
//   tsc (web)         type-checks the renderer and the preload (tsconfig.web.json)
//   vite (preload)    src/electron/preload.ts → dist/electron/preload.cjs: a sandboxed preload must be one
//                     CommonJS file (it may require only "electron")
//   vite (renderer)   src/electron/renderer → dist/renderer (loaded from file:// by the window)
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const desktop = path.dirname(fileURLToPath(import.meta.url));
const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');

for (const project of ['tsconfig.json', 'tsconfig.web.json']) {
  const result = spawnSync(process.execPath, [tsc, '-p', project], { cwd: desktop, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
// The `forprompt-manager` bin runs directly (npx, node_modules/.bin), so it must be executable.
chmodSync(path.join(desktop, 'dist/cli.js'), 0o755);

await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: path.join(desktop, 'dist/electron'),
    emptyOutDir: false,
    target: 'node22',
    minify: false,
    sourcemap: true,
    lib: { entry: path.join(desktop, 'src/electron/preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});

await build({ configFile: path.join(desktop, 'src/electron/renderer/vite.config.ts'), logLevel: 'warn' });
