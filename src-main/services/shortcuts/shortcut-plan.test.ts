// Shortcut planning and conflict reporting: what an agent notices is which keys work, when, and being told
// (with an alternative) when another application holds one.
import { describe, expect, it } from 'vitest';
import { parseAccelerator } from './accelerator.js';
import {
  alternativeCandidates,
  DEFAULT_BINDINGS,
  globalShortcutSupport,
  liveShortcuts,
  resolveBindings,
  shouldForceX11,
} from './shortcut-plan.js';
import { type GlobalShortcutLike, InvalidBindingsError, ShortcutService } from './shortcut-service.js';

const SUPPORTED = { supported: true, reason: null } as const;

/** A globalShortcut that behaves like the OS: keys held by "another app" fail, optionally lying about it. */
class FakeGlobalShortcut implements GlobalShortcutLike {
  held = new Map<string, () => void>();
  constructor(
    private readonly takenByOthers: Set<string> = new Set(),
    private readonly liesAboutSuccess = false,
  ) {}
  register(accelerator: string, cb: () => void): boolean {
    if (this.takenByOthers.has(accelerator)) return this.liesAboutSuccess;
    if (this.held.has(accelerator)) return false;
    this.held.set(accelerator, cb);
    return true;
  }
  isRegistered(accelerator: string): boolean {
    return this.held.has(accelerator);
  }
  unregister(accelerator: string): void {
    this.held.delete(accelerator);
  }
  unregisterAll(): void {
    this.held.clear();
  }
  press(accelerator: string): void {
    this.held.get(accelerator)?.();
  }
}

describe('accelerator validation', () => {
  it.each([
    ['CommandOrControl+Alt+1', 'CommandOrControl+Alt+1'],
    ['Ctrl+Alt+Esc', 'Control+Alt+Escape'],
    ['Alt+CmdOrCtrl+k', 'CommandOrControl+Alt+K'],
    ['F9', 'F9'],
  ])('accepts %s as %s', (input, canonical) => {
    expect(parseAccelerator(input)).toMatchObject({ ok: true, canonical });
  });

  it.each(['1', 'Enter', 'Shift+1', 'Space', 'Ctrl+Alt', 'Hyper+1', 'Ctrl+Alt+Banana', 'Ctrl++', ''])(
    'rejects %j (bare key, no key, or not an accelerator)',
    (input) => {
      expect(parseAccelerator(input).ok).toBe(false);
    },
  );
});

describe('resolveBindings', () => {
  it('overrides one action and keeps the defaults for the rest', () => {
    const r = resolveBindings({ 'dispo-1': 'Ctrl+Shift+F1' });
    expect(r.ok && r.bindings['dispo-1']).toBe('Control+Shift+F1');
    expect(r.ok && r.bindings['dispo-2']).toBe(DEFAULT_BINDINGS['dispo-2']);
  });

  it('rejects a bare key and a duplicate, naming each action', () => {
    const r = resolveBindings({ confirm: 'Enter', 'dispo-2': 'CommandOrControl+Alt+1' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.action).sort()).toEqual(['confirm', 'dispo-2']);
    expect(r.problems.find((p) => p.action === 'dispo-2')?.reason).toContain('dispo-1');
  });
});

describe('live shortcuts', () => {
  it('keeps the disposition keys off unless a disposition is pending', () => {
    const idle = liveShortcuts(DEFAULT_BINDINGS, false, SUPPORTED).map((s) => s.action);
    expect(idle.sort()).toEqual(['hang-up', 'show-window', 'stop', 'toggle-play']);
    const pending = liveShortcuts(DEFAULT_BINDINGS, true, SUPPORTED).map((s) => s.action);
    expect(pending).toContain('dispo-6');
    expect(pending).toContain('confirm');
    expect(pending).toContain('cancel');
  });

  it('registers nothing where the platform has no global shortcuts', () => {
    expect(liveShortcuts(DEFAULT_BINDINGS, true, { supported: false, reason: 'wayland' })).toEqual([]);
  });
});

describe('platform support', () => {
  it('reports a pure Wayland session as unsupported, with the reason', () => {
    const s = globalShortcutSupport({
      platform: 'linux',
      env: { XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0' },
      ozonePlatform: null,
    });
    expect(s.supported).toBe(false);
    expect(s.reason).toMatch(/Wayland/);
  });

  it('accepts Wayland with XWayland (forced to X11), X11 sessions, Windows and macOS', () => {
    const env = { XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0' };
    expect(shouldForceX11('linux', env)).toBe(true);
    expect(globalShortcutSupport({ platform: 'linux', env, ozonePlatform: 'x11' }).supported).toBe(true);
    expect(globalShortcutSupport({ platform: 'linux', env, ozonePlatform: 'wayland' }).supported).toBe(false);
    expect(
      globalShortcutSupport({ platform: 'linux', env: { XDG_SESSION_TYPE: 'x11' }, ozonePlatform: null })
        .supported,
    ).toBe(true);
    expect(globalShortcutSupport({ platform: 'win32', env: {}, ozonePlatform: null }).supported).toBe(true);
    expect(globalShortcutSupport({ platform: 'darwin', env: {}, ozonePlatform: null }).supported).toBe(true);
  });
});

describe('alternativeCandidates', () => {
  it('keeps the key, adds Shift first, and never suggests a key another binding uses', () => {
    const c = alternativeCandidates('CommandOrControl+Alt+1', ['CommandOrControl+Alt+Shift+1']);
    expect(c[0]).toBe('CommandOrControl+Shift+1');
    expect(c).not.toContain('CommandOrControl+Alt+Shift+1');
    expect(c.every((a) => a.endsWith('+1'))).toBe(true);
  });
});

describe('ShortcutService', () => {
  const make = (gs: FakeGlobalShortcut) => {
    const fired: string[] = [];
    const reports: unknown[] = [];
    const service = new ShortcutService({
      globalShortcut: gs,
      support: SUPPORTED,
      onFired: (a) => fired.push(a),
      onReport: (r) => reports.push(r),
    });
    return { service, fired, reports };
  };

  it('registers the disposition keys only while a disposition is pending, and fires their action', () => {
    const gs = new FakeGlobalShortcut();
    const { service, fired } = make(gs);
    service.start();
    expect(gs.isRegistered('CommandOrControl+Alt+1')).toBe(false);
    gs.press('CommandOrControl+Alt+Space');
    service.setDispositionPending(true);
    gs.press('CommandOrControl+Alt+3');
    gs.press('CommandOrControl+Alt+Enter');
    service.setDispositionPending(false);
    expect(gs.isRegistered('CommandOrControl+Alt+3')).toBe(false);
    expect(gs.isRegistered('CommandOrControl+Alt+Space')).toBe(true);
    expect(fired).toEqual(['toggle-play', 'dispo-3', 'confirm']);
  });

  it('reports a key another app holds, with a free alternative, when register returns false', () => {
    const gs = new FakeGlobalShortcut(new Set(['CommandOrControl+Alt+Space']));
    const { service, reports } = make(gs);
    const report = service.start();
    expect(report.conflicts).toEqual([
      {
        action: 'toggle-play',
        accelerator: 'CommandOrControl+Alt+Space',
        suggestion: 'CommandOrControl+Alt+Shift+Space',
      },
    ]);
    expect(report.registered.map((r) => r.action)).not.toContain('toggle-play');
    // The probe released the suggestion again: nothing is held that the agent did not ask for.
    expect(gs.isRegistered('CommandOrControl+Alt+Shift+Space')).toBe(false);
    expect(reports).toHaveLength(1);
  });

  it('treats "register said yes but isRegistered says no" as a conflict too', () => {
    const gs = new FakeGlobalShortcut(new Set(['CommandOrControl+Alt+D']), true);
    const { service } = make(gs);
    const report = service.start();
    expect(report.conflicts.map((c) => c.action)).toEqual(['show-window']);
  });

  it('applies a valid reconfiguration and rejects an invalid one without changing anything', () => {
    const gs = new FakeGlobalShortcut();
    const { service } = make(gs);
    service.start();
    service.configure({ 'toggle-play': 'Ctrl+Shift+P' });
    expect(gs.isRegistered('Control+Shift+P')).toBe(true);
    expect(gs.isRegistered('CommandOrControl+Alt+Space')).toBe(false);
    expect(() => service.configure({ 'toggle-play': 'P' })).toThrow(InvalidBindingsError);
    expect(gs.isRegistered('Control+Shift+P')).toBe(true);
  });

  it('unregisters everything on dispose (will-quit)', () => {
    const gs = new FakeGlobalShortcut();
    const { service } = make(gs);
    service.start();
    service.setDispositionPending(true);
    service.dispose();
    expect(gs.held.size).toBe(0);
    expect(service.report().registered).toEqual([]);
  });

  it('reports unsupported platforms and registers nothing', () => {
    const gs = new FakeGlobalShortcut();
    const service = new ShortcutService({
      globalShortcut: gs,
      support: { supported: false, reason: 'Wayland' },
      onFired: () => {},
    });
    const report = service.start();
    expect(report).toMatchObject({ supported: false, unsupportedReason: 'Wayland', registered: [] });
    expect(gs.held.size).toBe(0);
  });
});
