// Crash-safe file replacement: write a temp file, fsync it, keep the current file as `<name>.prev`, rename the
// temp over the current one, fsync the directory. A crash at any point leaves either the new file, the old
// file, or (between the two renames) only `.prev`, which readers fall back to.
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function previousPath(file: string): string {
  return join(dirname(file), `${basename(file, '.json')}.prev.json`);
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(file, previousPath(file));
  } catch (err) {
    if (!isNotFound(err)) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }
  await fs.rename(tmp, file);
  await syncDirectory(dir);
}

/** Makes the renames durable on POSIX; Windows cannot open a directory, and NTFS journals renames anyway. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort (see above)
  }
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
