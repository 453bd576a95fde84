import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** The dev server's React refresh needs an inline script, which the page's CSP refuses: drop it there only. */
const cspInBuildOnly: Plugin = {
  name: 'forprompt-csp-in-build-only',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, ''),
};

// The manager's window loads the build from file://, so every URL in it is relative (base './').
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react(), cspInBuildOnly],
  build: {
    outDir: fileURLToPath(new URL('../../../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // Electron's Chromium, no older browsers to serve.
    target: 'chrome130',
  },
});
