// vitest globalSetup of the browser suite: builds the agent UI with its test hook (window.__turbo, the
// controller, which the suite reads the store through) into dist/renderer-e2e. The production build
// (dist/renderer: `npx vite build`, the demo, the desktop package) never exposes it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const E2E_DIST_DIR = fileURLToPath(new URL('../../dist/renderer-e2e', import.meta.url));

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    cwd: root,
    env: { ...process.env, VITE_TEST_HOOKS: '1' },
    stdio: 'inherit',
  });
}
