// Vite build of the agent UI (src-renderer). The production bundle goes to dist/renderer, which the
// coordinator serves as the web app and Electron loads from disk; `vite dev` proxies the API and the
// WebSocket to a coordinator running locally (COORDINATOR_URL, default http://127.0.0.1:8080).
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const coordinator = process.env.COORDINATOR_URL ?? 'http://127.0.0.1:8080';
// Every coordinator route prefix the renderer calls (HTTP_API in src-shared/contracts/http.ts).
const apiPrefixes = [
  '/auth',
  '/session',
  '/next',
  '/dial',
  '/skip',
  '/disposition',
  '/call',
  '/desktop',
  '/stats',
  '/healthz',
  '/readyz',
];

export default defineConfig({
  root: `${here}src-renderer`,
  // Relative asset URLs: the same build works served from the coordinator's root and from file:// in Electron.
  base: './',
  plugins: [react(), tailwindcss()],
  build: {
    // VITE_TEST_HOOKS=1 (the browser suite's build, e2e/support/build-ui.ts) exposes window.__turbo and goes
    // to its own directory, so the production bundle never carries the hook.
    outDir: process.env.VITE_TEST_HOOKS === '1' ? `${here}dist/renderer-e2e` : `${here}dist/renderer`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      ...Object.fromEntries(apiPrefixes.map((p) => [p, { target: coordinator, changeOrigin: true }])),
      '/ws': { target: coordinator.replace(/^http/, 'ws'), ws: true, changeOrigin: true },
    },
  },
});
