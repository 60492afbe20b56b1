// The OS keychain through keytar. keytar is an optionalDependency and archived upstream (atom/node-keytar),
// so it is loaded dynamically and checked for shape: a missing package or an unbuilt native binary is a
// clean "not available" that falls through to the next store, never a crash.
import type { CredentialCandidate, CredentialStore } from './credential-store.js';

type KeytarApi = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

function isKeytar(mod: unknown): mod is KeytarApi {
  const m = mod as Partial<Record<keyof KeytarApi, unknown>> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.getPassword === 'function' &&
    typeof m.setPassword === 'function' &&
    typeof m.deletePassword === 'function'
  );
}

export type KeytarLoader = () => Promise<unknown>;

/** Default loader: a variable specifier so bundlers leave it alone and the compiler needs no keytar types. */
export const loadKeytarModule: KeytarLoader = async () => {
  const name = 'keytar';
  const mod: unknown = await import(name);
  return (mod as { default?: unknown }).default ?? mod;
};

export function keytarCandidate(
  options: Readonly<{ service: string; account: string; load?: KeytarLoader }>,
): CredentialCandidate {
  return {
    kind: 'keychain',
    open: async () => {
      let mod: unknown;
      try {
        mod = await (options.load ?? loadKeytarModule)();
      } catch (err) {
        return {
          ok: false,
          reason: `keytar unavailable: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
      if (!isKeytar(mod)) return { ok: false, reason: 'keytar unavailable: unexpected module shape' };
      const keytar = mod;
      // A probe read: a keychain that is locked or absent (headless Linux) fails here, not at sign-in.
      try {
        await keytar.getPassword(options.service, options.account);
      } catch (err) {
        return {
          ok: false,
          reason: `keychain not usable: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
      const store: CredentialStore = {
        kind: 'keychain',
        get: () => keytar.getPassword(options.service, options.account),
        set: (token) => keytar.setPassword(options.service, options.account, token),
        clear: async () => {
          await keytar.deletePassword(options.service, options.account);
        },
      };
      return { ok: true, store };
    },
  };
}
