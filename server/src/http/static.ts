// Serves the built agent web UI (Vite's output in dist/renderer) when it exists: the files themselves, and
// index.html for client-side routes (any other GET that wants HTML). API routes are registered first, so
// they always win.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** Returns whether the UI is being served. */
export function serveWebUi(app: Express, dir: string | null | undefined): boolean {
  if (!dir) return false;
  const root = resolve(dir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) return false;
  app.use(express.static(root, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForHtml }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}

function noCacheForHtml(res: Response, path: string): void {
  // index.html names the hashed bundles: it must be revalidated, the bundles may be cached.
  if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
