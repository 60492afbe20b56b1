// One interface for the refresh token, whatever holds it. The order is keytar (OS keychain; an optional,
// archived native module, so loading may fail) → Electron safeStorage-encrypted file (refused where it would
// be plain text in disguise: no encryption, or Linux's `basic_text` backend) → memory only. Never plain text
// on disk. `selectCredentialStore` is pure over its candidates, so the fallback order is tested in Node.
export type CredentialStorageKind = 'keychain' | 'safe-storage' | 'memory';

export interface CredentialStore {
  readonly kind: CredentialStorageKind;
  get(): Promise<string | null>;
  set(token: string): Promise<void>;
  clear(): Promise<void>;
}

/** A candidate either yields a store or says, in words the agent/IT can act on, why it cannot. */
export type CandidateResult = { ok: true; store: CredentialStore } | { ok: false; reason: string };
export type CredentialCandidate = Readonly<{
  kind: CredentialStorageKind;
  open: () => Promise<CandidateResult>;
}>;

export type CredentialSelection = {
  store: CredentialStore;
  /** Stores tried before the chosen one, with the reason each was passed over (logged and in diagnostics). */
  skipped: { kind: CredentialStorageKind; reason: string }[];
};

export async function selectCredentialStore(
  candidates: readonly CredentialCandidate[],
): Promise<CredentialSelection> {
  const skipped: CredentialSelection['skipped'] = [];
  for (const candidate of candidates) {
    let result: CandidateResult;
    try {
      result = await candidate.open();
    } catch (err) {
      result = { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
    if (result.ok) return { store: result.store, skipped };
    skipped.push({ kind: candidate.kind, reason: result.reason });
  }
  // Memory is always possible; the agent signs in again after a restart.
  return { store: new MemoryCredentialStore(), skipped };
}

export class MemoryCredentialStore implements CredentialStore {
  readonly kind = 'memory' as const;
  #token: string | null = null;
  async get() {
    return this.#token;
  }
  async set(token: string) {
    this.#token = token;
  }
  async clear() {
    this.#token = null;
  }
}

export const memoryCandidate: CredentialCandidate = {
  kind: 'memory',
  open: async () => ({ ok: true, store: new MemoryCredentialStore() }),
};
