import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development the UI runs on Vite's port and forwards API calls to a locally running engine.
const engineUrl = `http://127.0.0.1:${process.env.ENGINE_PORT ?? 3000}`;

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    proxy: {
      '/api': engineUrl,
      '/healthz': engineUrl,
      '/readyz': engineUrl,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
