// Packaging config checked by what can break a release, not restated value by value: electron-builder's own
// schema accepts both configs (a misspelt option fails here, not on the tag's release job), every file the
// config and package.json point at exists or is built into what ships, no secret sits in the repository,
// the MSI upgrade code never changes, and the release workflow runs the developer's `npm run dist:*`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'app-builder-lib';
// electron-builder's own loader and validator (app-builder-lib and builder-util come with the pinned
// electron-builder devDependency, at its exact version).
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { TRAY_STATES } from '../../src-shared/contracts/ipc.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const load = (file: string): Promise<Configuration> => getConfig(root, file, null);
const pkg = z
  .object({
    main: z.string(),
    scripts: z.record(z.string(), z.string()),
    devDependencies: z.record(z.string(), z.string()),
  })
  .parse(JSON.parse(read('package.json')));

describe('electron-builder configuration', () => {
  it.each(['electron-builder.yml', 'build/electron-builder.azure.yml'])(
    '%s passes electron-builder’s own schema',
    async (file) => {
      await expect(validateConfiguration(await load(file), new DebugLogger(false))).resolves.toBeUndefined();
    },
  );

  it('would reject a misspelt option (the check above can fail)', async () => {
    const config = { ...(await load('electron-builder.yml')), notarise: true } as Configuration;
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/notarise/);
  });

  it('ships the main entry package.json names, and only built output', () => {
    const files = z.object({ files: z.array(z.string()) }).parse(parse(read('electron-builder.yml'))).files;
    const included = files.filter((f) => !f.startsWith('!'));
    expect(included.some((glob) => pkg.main.startsWith(glob.replace(/\*\*\/\*$/, '')))).toBe(true);
    expect(pkg.main).toBe('dist/main/index.js'); // what build/build-main.mjs emits
    for (const source of ['src-main/', 'src-shared/', 'server/', 'node_modules/'])
      expect(included.some((glob) => glob.startsWith(source))).toBe(false);
  });

  it('points only at files that exist: icons, entitlements, one tray icon per tray state', async () => {
    const c = await load('electron-builder.yml');
    for (const p of [
      c.win?.icon,
      c.mac?.icon,
      c.linux?.icon,
      c.mac?.entitlements,
      c.mac?.entitlementsInherit,
    ])
      expect(p && existsSync(join(root, p)), String(p)).toBe(true);
    const png = readFileSync(join(root, 'build', 'icon.png'));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]); // macOS needs ≥ 512×512
    for (const s of TRAY_STATES)
      expect(existsSync(join(root, 'build', 'tray', `tray-${s}.png`)), s).toBe(true);
  });

  it('keeps every secret out of the repository (signing comes from the environment)', () => {
    const text = read('electron-builder.yml') + read('build/electron-builder.azure.yml');
    expect(text).not.toMatch(
      /^\s*(certificateFile|certificatePassword|cscLink|cscKeyPassword|password)\s*:|-----BEGIN/m,
    );
  });

  it('never changes the MSI upgrade code (a new code would install beside the old MSI, not upgrade it)', async () => {
    expect((await load('electron-builder.yml')).msi?.upgradeCode).toBe(
      '6f0b4a52-3f5e-4c8e-9d43-2b7a1e5c9f10',
    );
  });
});

describe('release workflow', () => {
  const wf = z
    .object({
      jobs: z.record(z.string(), z.object({ needs: z.unknown().optional(), steps: z.array(z.unknown()) })),
    })
    .parse(parse(read('.github/workflows/release.yml')));
  const steps = (job: string) => JSON.stringify(wf.jobs[job]?.steps ?? []);

  it('builds each OS with the same npm script a developer runs, electron-builder at the pinned version', () => {
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/);
    for (const [job, os] of [
      ['macos', 'mac'],
      ['windows', 'win'],
      ['linux', 'linux'],
    ] as const) {
      expect(steps(job), job).toContain(`npm run dist:${os}`);
      expect(pkg.scripts[`dist:${os}`]).toContain(`electron-builder --${os}`);
    }
    expect(read('.github/workflows/release.yml')).not.toMatch(/npx\s+(--yes\s+)?electron-builder/);
  });

  it('publishes the update metadata only after every installer is built', () => {
    expect(wf.jobs.publish?.needs).toEqual(['macos', 'windows', 'linux']);
  });
});
