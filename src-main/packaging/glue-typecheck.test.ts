// The Electron glue cannot run here (no Electron binary), so its contract with Electron is the compiler:
// every src-main file must typecheck against the installed `electron` type definitions. This runs the
// node target's tsc and fails on any error in src-main (errors elsewhere belong to other targets' owners).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('Electron glue', () => {
  it('imports the real Electron APIs (so the typecheck below is meaningful)', () => {
    const init = readFileSync(join(root, 'src-main/app/initialize.ts'), 'utf8');
    expect(init).toMatch(/from 'electron';/);
    expect(readFileSync(join(root, 'src-main/preload/index.ts'), 'utf8')).toMatch(/contextBridge/);
    expect(readFileSync(join(root, 'node_modules/electron/electron.d.ts'), 'utf8')).toContain(
      'getSelectedStorageBackend',
    );
  });

  it('typechecks against node_modules/electron/electron.d.ts with tsconfig.node.json', () => {
    let output = '';
    try {
      execFileSync(
        process.execPath,
        [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.node.json'],
        {
          cwd: root,
          encoding: 'utf8',
          stdio: 'pipe',
        },
      );
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    const ours = output.split('\n').filter((l) => l.startsWith('src-main/'));
    expect(ours).toEqual([]);
  }, 120_000);
});
