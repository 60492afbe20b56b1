// Phone numbers as the agent reads them. The shared formatter (formatPhoneForDisplay in
// src-shared/domain/phone.ts) carries libphonenumber's metadata, ~30 kB gzip: it is loaded lazily, after the
// first paint, and until it is there North American numbers are grouped by a small stand-in
// ("(212) 555-0123", the same text the shared formatter gives) and others shown as E.164.
import { useSyncExternalStore } from 'react';

type Formatter = (e164: string) => string;

let shared: Formatter | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

function fallback(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

/** Starts loading the shared formatter (idempotent). */
export function preloadPhoneFormatter(): Promise<void> {
  loading ??= import('../../src-shared/domain/phone')
    .then((m) => {
      shared = (e164) => m.formatPhoneForDisplay(e164);
      for (const l of listeners) l();
    })
    .catch(() => {
      // Stay on the stand-in: a number is still readable, just less nicely grouped.
    });
  return loading;
}

export function displayPhone(e164: string | null, raw: string): string {
  if (!e164) return raw.trim() === '' ? '—' : raw;
  return (shared ?? fallback)(e164);
}

/** Re-renders the caller once the shared formatter has loaded. */
export function usePhoneFormat(): void {
  useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => shared,
  );
}
