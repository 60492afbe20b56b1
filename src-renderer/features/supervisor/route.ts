// Which screen this page is: the supervisor console at `/supervisor` (the coordinator serves index.html for
// it) or `#/supervisor` (the desktop app loads index.html from disk, where only the hash can change without
// leaving the document); the agent's dialer otherwise.
export const CONSOLE_HASH = '#/supervisor';

export function isConsoleRoute(loc: Pick<Location, 'pathname' | 'hash'>): boolean {
  return loc.hash === CONSOLE_HASH || /\/supervisor\/?$/.test(loc.pathname);
}

/** Where the dialer's "Supervisor console" link goes: a path on the web, the hash on file:// (desktop). */
export function consoleHref(loc: Pick<Location, 'protocol'>): string {
  return loc.protocol === 'http:' || loc.protocol === 'https:' ? '/supervisor' : CONSOLE_HASH;
}

/** Back to the dialer from the console. */
export function dialerHref(loc: Pick<Location, 'protocol'>): string {
  return loc.protocol === 'http:' || loc.protocol === 'https:' ? '/' : '#/';
}
