// Agent settings and the IT policy sources: a broken file never blocks start-up, and the registry value
// written by GPO/Intune is read as the policy document.
import { mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRegQuery, policyFilePath } from '../services/updater/it-policy-source.js';
import { loadSettings, saveSettings, settingsPath } from './settings.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'turbo-settings-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('settings', () => {
  it('round-trips partial shortcut bindings and the channel', async () => {
    await saveSettings(dir, { version: 1, shortcuts: { confirm: 'Control+Alt+K' }, updateChannel: 'beta' });
    expect((await loadSettings(dir)).settings).toEqual({
      version: 1,
      shortcuts: { confirm: 'Control+Alt+K' },
      updateChannel: 'beta',
    });
  });

  it('falls back to defaults on a missing, broken or foreign file, saying why', async () => {
    expect(await loadSettings(dir)).toEqual({ settings: { version: 1 }, error: null });
    writeFileSync(settingsPath(dir), '{"version":1,"updateChannel":"nightly"}');
    expect((await loadSettings(dir)).error).toMatch(/schema/);
    writeFileSync(settingsPath(dir), '{');
    expect(await loadSettings(dir)).toEqual({
      settings: { version: 1 },
      error: expect.stringMatching(/JSON/),
    });
  });
});

describe('IT policy sources', () => {
  it('reads the PolicyJson value out of `reg query` output', () => {
    const out = [
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\TurboDialer',
      '    PolicyJson    REG_SZ    {"installType":"msi","channel":"stable"}',
      '',
    ].join('\r\n');
    expect(parseRegQuery(out)).toBe('{"installType":"msi","channel":"stable"}');
    expect(
      parseRegQuery('ERROR: The system was unable to find the specified registry key or value.'),
    ).toBeNull();
  });

  it('uses the documented file per OS', () => {
    expect(policyFilePath('win32', { ProgramData: 'D:\\PD' })).toMatch(
      /^D:\\PD[\\/]TurboDialer[\\/]policy\.json$/,
    );
    expect(policyFilePath('darwin', {})).toBe('/Library/Application Support/TurboDialer/policy.json');
    expect(policyFilePath('linux', {})).toBe('/etc/turbo-dialer/policy.json');
  });
});
