// Packaging config as data: the targets IT relies on, signing from the environment only, per-channel
// update metadata, only built output shipped, and a release workflow with macOS and Windows runners.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
type Target = { target: string; arch: string[] };
// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document is explored field by field below
const config: any = parse(read('electron-builder.yml'));
const targets = (os: 'win' | 'mac' | 'linux') =>
  Object.fromEntries((config[os].target as Target[]).map((t) => [t.target, t.arch]));

describe('electron-builder.yml', () => {
  it('identifies the app and names artifacts with version and arch', () => {
    expect(config.appId).toBe('com.turbodialer.desktop');
    expect(config.productName).toBe('Turbo Dialer');
    expect(config.artifactName).toContain('$' + '{version}');
    expect(config.artifactName).toContain('$' + '{arch}');
    expect(config.directories.buildResources).toBe('build');
    expect(config.fileAssociations).toEqual([]);
  });

  it('ships only dist/main and dist/renderer (no sources, server, configs or node_modules)', () => {
    const included = (config.files as string[]).filter((f) => !f.startsWith('!'));
    expect(included.sort()).toEqual(['dist/main/**/*', 'dist/renderer/**/*', 'package.json']);
    for (const excluded of ['!node_modules/**/*', '!src-*/**/*', '!server/**/*']) {
      expect(config.files).toContain(excluded);
    }
  });

  it('builds NSIS (self-updating) and a per-machine MSI with a fixed upgrade code on Windows', () => {
    expect(targets('win')).toMatchObject({ nsis: ['x64', 'arm64'], msi: ['x64'] });
    expect(config.msi.perMachine).toBe(true);
    expect(config.msi.upgradeCode).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(config.nsis.perMachine).toBe(false);
  });

  it('builds dmg plus the zip the mac updater needs, for both architectures, hardened and notarized', () => {
    expect(targets('mac')).toEqual({ dmg: ['x64', 'arm64'], zip: ['x64', 'arm64'] });
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(true);
    expect(config.mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(read(config.mac.entitlements)).toContain('com.apple.security.cs.allow-jit');
    expect(read(config.mac.entitlements)).not.toContain('device.audio-input');
  });

  it('builds AppImage and deb on Linux', () => {
    expect(Object.keys(targets('linux')).sort()).toEqual(['AppImage', 'deb']);
  });

  it('signs from the environment only: no certificate, password or key in the repository config', () => {
    const text = read('electron-builder.yml') + read('build/electron-builder.azure.yml');
    expect(config.win.signtoolOptions.publisherName).toBe('Turbo Dialer');
    expect(config.win.signtoolOptions).not.toHaveProperty('certificateFile');
    expect(config.win.signtoolOptions).not.toHaveProperty('certificatePassword');
    expect(text).not.toMatch(
      /^\s*(certificateFile|certificatePassword|cscKeyPassword|password)\s*:|-----BEGIN/m,
    );
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const azure: any = parse(read('build/electron-builder.azure.yml'));
    expect(azure.extends).toBe('./electron-builder.yml');
    expect(azure.win.signtoolOptions).toBeNull();
    expect(Object.keys(azure.win.azureSignOptions).sort()).toEqual(
      expect.arrayContaining([
        'certificateProfileName',
        'codeSigningAccountName',
        'endpoint',
        'publisherName',
      ]),
    );
  });

  it('publishes a generic feed with metadata for every channel (stable = latest, beta)', () => {
    expect(config.publish).toEqual([expect.objectContaining({ provider: 'generic' })]);
    expect(config.publish[0].url).toMatch(/^https:\/\//);
    expect(config.generateUpdatesFilesForAllChannels).toBe(true);
  });

  it('has the icons it points at: a 512×512 PNG and one tray icon per tray state', async () => {
    const png = readFileSync(join(root, 'build', 'icon.png'));
    expect(png.readUInt32BE(16)).toBe(512);
    expect(png.readUInt32BE(20)).toBe(512);
    const { TRAY_STATES } = await import('../../src-shared/contracts/ipc.js');
    for (const s of TRAY_STATES) expect(existsSync(join(root, 'build', 'tray', `tray-${s}.png`))).toBe(true);
  });
});

describe('release workflow', () => {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const wf: any = parse(read('.github/workflows/release.yml'));

  it('builds and signs on macOS and Windows runners from secrets, publishing metadata last', () => {
    expect(wf.jobs.macos['runs-on']).toMatch(/^macos/);
    expect(wf.jobs.windows['runs-on']).toMatch(/^windows/);
    const steps = (job: string) => JSON.stringify(wf.jobs[job].steps);
    expect(steps('macos')).toContain('secrets.MAC_CSC_LINK');
    expect(steps('macos')).toContain('APPLE_API_KEY_ID');
    expect(steps('windows')).toContain('secrets.WIN_CSC_LINK');
    expect(steps('windows')).toContain('build/electron-builder.azure.yml');
    expect(wf.jobs.publish.needs).toEqual(['macos', 'windows', 'linux']);
    expect(steps('publish')).toContain('stagingPercentage');
  });
});

describe('package.json', () => {
  it('builds the main process with build:main', () => {
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.scripts['build:main']).toBe('node build/build-main.mjs');
    expect(pkg.main).toBe('dist/main/index.js');
  });
});
