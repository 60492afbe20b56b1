// Electron glue: the one BrowserWindow, hardened by window-security.ts. CSP is set as a response header on
// the window's session (covers file:// and the coordinator alike), every permission request is denied
// (the voice runs in Dialpad's own app: we need no microphone, camera or notifications from the page),
// navigation and new windows outside the allow-list are blocked.
import { BrowserWindow, type Session, shell } from 'electron';
import {
  contentSecurityPolicy,
  isAllowedNavigation,
  secureWebPreferences,
  type WindowTarget,
  windowOpenAction,
} from './window-security.js';

export type MainWindowOptions = Readonly<{
  target: WindowTarget;
  preloadPath: string;
  iconPath: string;
  /** Log a blocked navigation/permission (without the full URL's query, which may hold data). */
  onBlocked: (what: string, url: string) => void;
}>;

export function hardenSession(session: Session, options: MainWindowOptions): void {
  const csp = contentSecurityPolicy(options.target);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    }
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    options.onBlocked(`permission:${permission}`, details.requestingUrl);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1180,
    height: 800,
    minWidth: 760,
    minHeight: 560,
    show: false,
    title: 'Turbo Dialer',
    icon: options.iconPath,
    backgroundColor: '#0f172a',
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  hardenSession(win.webContents.session, options);
  const { target } = options;
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, target)) {
      event.preventDefault();
      options.onBlocked('navigation', url);
    }
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, target)) {
      event.preventDefault();
      options.onBlocked('redirect', url);
    }
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenAction(url);
    if (decision.openExternally) void shell.openExternal(url);
    else options.onBlocked('window-open', url);
    return { action: decision.action };
  });
  win.once('ready-to-show', () => win.show());
  if (target.coordinatorUrl) void win.loadURL(target.coordinatorUrl);
  else void win.loadURL(target.rendererFileUrl);
  return win;
}

/** Second launch or tray "Open": bring the one window to the front. */
export function focusWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
