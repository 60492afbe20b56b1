// Where the bundled main process finds its siblings: build/build-main.mjs emits dist/main/index.js,
// dist/main/preload.cjs and dist/main/tray/*.png, and vite emits dist/renderer/.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const mainDir = dirname(fileURLToPath(import.meta.url));

export const appPaths = {
  mainDir,
  preload: join(mainDir, 'preload.cjs'),
  rendererIndex: join(mainDir, '..', 'renderer', 'index.html'),
  rendererFileUrl: pathToFileURL(join(mainDir, '..', 'renderer', 'index.html')).href,
  trayIcon: (name: string) => join(mainDir, 'tray', name),
  appIcon: join(mainDir, 'tray', 'icon.png'),
} as const;
