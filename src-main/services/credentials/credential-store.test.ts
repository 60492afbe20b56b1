// Credential store fallback order: keychain → safeStorage file → memory, each refusal explained, and the
// token never written to disk in plain text.
import { mkdtempSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryCandidate, selectCredentialStore } from './credential-store.js';
import { keytarCandidate, loadKeytarModule } from './keytar-store.js';
import { type SafeStorageLike, safeStorageCandidate } from './safe-storage-store.js';

const TOKEN = 'refresh-token-abcdefghijklmnop';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'turbo-cred-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Reversible but not plain: enough to prove the file never holds the token as text. */
const fakeSafeStorage = (backend: string, available = true): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (s) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
  getSelectedStorageBackend: () => backend,
});
const fakeKeytar = () => {
  const vault = new Map<string, string>();
  return {
    vault,
    module: {
      getPassword: async (s: string, a: string) => vault.get(`${s}/${a}`) ?? null,
      setPassword: async (s: string, a: string, p: string) => void vault.set(`${s}/${a}`, p),
      deletePassword: async (s: string, a: string) => vault.delete(`${s}/${a}`),
    },
  };
};
const file = () => join(dir, 'credentials.bin');
const chain = (load: () => Promise<unknown>, safe: SafeStorageLike, platform: NodeJS.Platform = 'linux') => [
  keytarCandidate({ service: 'Turbo Dialer', account: 'refresh-token', load }),
  safeStorageCandidate({ safeStorage: safe, platform, file: file() }),
  memoryCandidate,
];

describe('selectCredentialStore', () => {
  it('uses the keychain when keytar loads and works', async () => {
    const k = fakeKeytar();
    const sel = await selectCredentialStore(chain(async () => k.module, fakeSafeStorage('gnome_libsecret')));
    expect(sel.store.kind).toBe('keychain');
    await sel.store.set(TOKEN);
    expect(await sel.store.get()).toBe(TOKEN);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('falls through to safeStorage when keytar cannot load (its native binary is not built here)', async () => {
    const sel = await selectCredentialStore(chain(loadKeytarModule, fakeSafeStorage('gnome_libsecret')));
    expect(sel.skipped.map((s) => s.kind)).toEqual(['keychain']);
    expect(sel.skipped[0]!.reason).toMatch(/keytar unavailable/);
    expect(sel.store.kind).toBe('safe-storage');
    await sel.store.set(TOKEN);
    expect(readFileSync(file()).toString('utf8')).not.toContain(TOKEN);
    expect(await sel.store.get()).toBe(TOKEN);
    await sel.store.clear();
    expect(await sel.store.get()).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('falls through when keytar loads but the keychain is locked/absent', async () => {
    const locked = { ...fakeKeytar().module, getPassword: async () => Promise.reject(new Error('no dbus')) };
    const sel = await selectCredentialStore(chain(async () => locked, fakeSafeStorage('kwallet5')));
    expect(sel.skipped[0]!.reason).toMatch(/keychain not usable: no dbus/);
    expect(sel.store.kind).toBe('safe-storage');
  });

  it('keeps the token in memory on Linux basic_text, saying why, and writes nothing to disk', async () => {
    const sel = await selectCredentialStore(
      chain(async () => Promise.reject(new Error('missing')), fakeSafeStorage('basic_text')),
    );
    expect(sel.store.kind).toBe('memory');
    expect(sel.skipped.map((s) => s.kind)).toEqual(['keychain', 'safe-storage']);
    expect(sel.skipped[1]!.reason).toMatch(/basic_text/);
    await sel.store.set(TOKEN);
    expect(await sel.store.get()).toBe(TOKEN);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the token in memory when encryption is unavailable (any OS)', async () => {
    const sel = await selectCredentialStore(
      chain(async () => ({}), fakeSafeStorage('unknown', false), 'win32'),
    );
    expect(sel.store.kind).toBe('memory');
    expect(sel.skipped.map((s) => s.reason)).toEqual([
      'keytar unavailable: unexpected module shape',
      'OS encryption (safeStorage) is not available',
    ]);
  });

  it('accepts basic_text only off Linux, where the backend name does not apply', async () => {
    const sel = await selectCredentialStore(chain(async () => null, fakeSafeStorage('basic_text'), 'darwin'));
    expect(sel.store.kind).toBe('safe-storage');
  });
});
