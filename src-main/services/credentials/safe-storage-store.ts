// The refresh token encrypted with Electron's safeStorage (Keychain / DPAPI / kwallet / libsecret) in a file
// in userData. Refused where the "encryption" would not protect anything: encryption unavailable, or Linux's
// `basic_text` backend (a hard-coded key, https://www.electronjs.org/docs/latest/api/safe-storage). Then the
// token stays in memory and the agent signs in again after a restart: never plain text on disk.
import { promises as fs } from 'node:fs';
import { previousPath, writeFileAtomic } from '../snapshot/atomic-file.js';
import type { CredentialCandidate, CredentialStore } from './credential-store.js';

/** The part of Electron's `safeStorage` we use. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?: () => string;
}

export function safeStorageRefusal(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'OS encryption (safeStorage) is not available';
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text') {
      return 'no secret service on this Linux desktop (safeStorage backend is basic_text): the token is kept in memory only';
    }
  }
  return null;
}

export function safeStorageCandidate(
  options: Readonly<{ safeStorage: SafeStorageLike; platform: NodeJS.Platform; file: string }>,
): CredentialCandidate {
  return {
    kind: 'safe-storage',
    open: async () => {
      const refusal = safeStorageRefusal(options.safeStorage, options.platform);
      if (refusal) return { ok: false, reason: refusal };
      const { safeStorage, file } = options;
      const store: CredentialStore = {
        kind: 'safe-storage',
        get: async () => {
          let data: Buffer;
          try {
            data = await fs.readFile(file);
          } catch {
            return null;
          }
          try {
            return safeStorage.decryptString(data);
          } catch {
            // Encrypted under another OS account or key: useless, so drop it and ask for a sign-in.
            await fs.rm(file, { force: true });
            return null;
          }
        },
        set: (token) => writeFileAtomic(file, safeStorage.encryptString(token)),
        clear: async () => {
          await fs.rm(file, { force: true });
          await fs.rm(previousPath(file), { force: true });
        },
      };
      return { ok: true, store };
    },
  };
}
