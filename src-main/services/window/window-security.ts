// The window's security settings as pure functions: webPreferences, the Content-Security-Policy header,
// and which URLs the window may navigate to or open. Only our own renderer (file:// under dist/renderer)
// and the coordinator's origin are ever loaded; everything else is blocked (external links go to the OS
// browser only when they are https).

export type WindowTarget = Readonly<{
  /** Coordinator base URL (policy or last session), or null when only the local renderer is used. */
  coordinatorUrl: string | null;
  /** file:// URL of dist/renderer/index.html. */
  rendererFileUrl: string;
}>;

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    // A hidden or minimised window must keep its timers and WebSocket alive (DESIGN.md "Desktop specifics").
    backgroundThrottling: false,
  } as const;
}

export function coordinatorOrigin(target: WindowTarget): string | null {
  if (!target.coordinatorUrl) return null;
  try {
    return new URL(target.coordinatorUrl).origin;
  } catch {
    return null;
  }
}

const UNPINNED_CONNECT =
  'https: wss: http://127.0.0.1:* ws://127.0.0.1:* http://localhost:* ws://localhost:*';

/** Strict CSP for every response the window loads; the coordinator (https + wss) is the only remote. */
export function contentSecurityPolicy(target: WindowTarget): string {
  const origin = coordinatorOrigin(target);
  const ws = origin ? origin.replace(/^http/, 'ws') : null;
  // No coordinator fixed by policy: the local renderer learns it at sign-in (or uses its build-time default,
  // a local coordinator), so any TLS origin plus loopback is allowed for API and WebSocket only.
  const remote = origin ? `${origin} ${ws}` : UNPINNED_CONNECT;
  return [
    "default-src 'self'",
    `script-src 'self'${origin ? ` ${origin}` : ''}`,
    // Tailwind emits a stylesheet; React's style props go through CSSOM, which CSP does not block.
    `style-src 'self'${origin ? ` ${origin}` : ''}`,
    `img-src 'self' data:${origin ? ` ${origin}` : ''}`,
    "font-src 'self' data:",
    `connect-src 'self' ${remote}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "worker-src 'self'",
  ].join('; ');
}

/** The window itself may show only our renderer file or pages of the coordinator's origin. */
export function isAllowedNavigation(url: string, target: WindowTarget): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    const home = new URL(target.rendererFileUrl);
    // Same file (hash routing changes only the fragment).
    return parsed.pathname === home.pathname;
  }
  const origin = coordinatorOrigin(target);
  return origin !== null && parsed.origin === origin;
}

/** window.open / target=_blank: never a new Electron window; https links may open in the OS browser. */
export function windowOpenAction(url: string): { action: 'deny'; openExternally: boolean } {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  return { action: 'deny', openExternally: parsed?.protocol === 'https:' };
}

/** Frames our IPC answers: the same set the window may navigate to. */
export function isTrustedFrame(frameUrl: string | null, target: WindowTarget): boolean {
  return frameUrl !== null && isAllowedNavigation(frameUrl, target);
}
