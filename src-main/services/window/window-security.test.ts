// Window security as data: sandboxed webPreferences, a strict CSP naming only the coordinator, and
// navigation/new windows blocked except our renderer and the coordinator's origin.
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  isAllowedNavigation,
  isTrustedFrame,
  secureWebPreferences,
  windowOpenAction,
} from './window-security.js';

const target = {
  coordinatorUrl: 'https://dialer.corp.example/app',
  rendererFileUrl: 'file:///opt/Turbo%20Dialer/resources/app.asar/dist/renderer/index.html',
};

describe('window security', () => {
  it('runs the renderer sandboxed and unthrottled', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      backgroundThrottling: false,
      webviewTag: false,
    });
  });

  it('CSP allows only self and the coordinator (https + wss), no inline script, no objects', () => {
    const csp = contentSecurityPolicy(target);
    expect(csp).toContain("script-src 'self' https://dialer.corp.example;");
    expect(csp).toContain("connect-src 'self' https://dialer.corp.example wss://dialer.corp.example;");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // Unpinned (no policy): API/WebSocket to TLS origins and loopback only; scripts still only from self.
    const unpinned = contentSecurityPolicy({ ...target, coordinatorUrl: null });
    expect(unpinned).toContain("connect-src 'self' https: wss: http://127.0.0.1:*");
    expect(unpinned).not.toMatch(/connect-src[^;]* http:(\s|;)/);
    expect(unpinned).toContain("script-src 'self';");
  });

  it.each([
    ['https://dialer.corp.example/session', true],
    [`${target.rendererFileUrl}#/dispo`, true],
    ['https://dialer.corp.example.evil.com/', false],
    ['http://dialer.corp.example/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('navigation to %s allowed: %s', (url, allowed) => {
    expect(isAllowedNavigation(url, target)).toBe(allowed);
  });

  it('never opens a new Electron window; https links may go to the OS browser', () => {
    expect(windowOpenAction('https://help.example/')).toEqual({ action: 'deny', openExternally: true });
    expect(windowOpenAction('file:///c:/windows/system32/calc.exe')).toEqual({
      action: 'deny',
      openExternally: false,
    });
    expect(isTrustedFrame('https://ads.example/', target)).toBe(false);
    expect(isTrustedFrame(null, target)).toBe(false);
  });
});
