#!/usr/bin/env node
// `npm run build:main`: bundles the Electron main process and the preload with esbuild (installed with
// vite) into dist/main/, and copies the tray/app icons beside them. The bundle carries its dependencies
// (zod, pino, electron-updater), so the packaged app needs dist/main + dist/renderer only; `electron` is
// provided by the runtime and `keytar` stays an optional runtime import (absent → safeStorage).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// OUT_DIR: the bundle smoke test builds into a temp directory instead of dist/main.
const out = process.env.OUT_DIR ?? join(root, 'dist', 'main');
const production = process.env.NODE_ENV !== 'development';

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  // Electron 41 ships Node 24 and Chromium 146: modern syntax is fine.
  target: 'node22',
  sourcemap: true,
  minify: production,
  legalComments: 'linked',
  external: ['electron', 'keytar'],
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
};

await build({
  ...common,
  entryPoints: [join(root, 'src-main', 'index.ts')],
  outfile: join(out, 'index.js'),
  format: 'esm',
  // CommonJS dependencies (pino, electron-updater) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});

// Sandboxed preloads must be CommonJS and may only require a few Electron modules: bundle zod in.
await build({
  ...common,
  entryPoints: [join(root, 'src-main', 'preload', 'index.ts')],
  outfile: join(out, 'preload.cjs'),
  format: 'cjs',
  platform: 'browser',
  target: 'chrome130',
});

cpSync(join(root, 'build', 'tray'), join(out, 'tray'), { recursive: true });
cpSync(join(root, 'build', 'icon.png'), join(out, 'tray', 'icon.png'));
console.log(`main process built into ${out}`);
