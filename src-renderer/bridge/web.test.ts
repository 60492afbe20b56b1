// The web DesktopBridge: the in-page stand-ins for the desktop's global shortcuts, snapshot storage that
// refuses corrupt data, and app:status reflected in the tab title.
import { afterEach, describe, expect, it } from 'vitest';
import { createWebBridge, SNAPSHOT_KEY } from './web';

afterEach(() => localStorage.clear());

describe('web bridge', () => {
  it('Ctrl+Alt+digit fires the same shortcut action as the desktop global shortcut; plain keys do not', () => {
    const bridge = createWebBridge(window);
    const fired: string[] = [];
    const off = bridge.on('shortcut:fired', ({ action }) => fired.push(action));
    window.dispatchEvent(
      new KeyboardEvent('keydown', { key: '3', code: 'Digit3', ctrlKey: true, altKey: true }),
    );
    window.dispatchEvent(
      new KeyboardEvent('keydown', { key: ' ', code: 'Space', ctrlKey: true, altKey: true }),
    );
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3', code: 'Digit3' }));
    off();
    window.dispatchEvent(
      new KeyboardEvent('keydown', { key: '4', code: 'Digit4', ctrlKey: true, altKey: true }),
    );
    expect(fired).toEqual(['dispo-3', 'toggle-play']);
  });

  it('a corrupt or foreign snapshot loads as none, never half-read', async () => {
    const bridge = createWebBridge(window);
    localStorage.setItem(SNAPSHOT_KEY, '{"schemaVersion":1,"outbox":"nope"}');
    expect(await bridge.invoke('snapshot:load', null)).toEqual({ ok: true, value: null });
    localStorage.setItem(SNAPSHOT_KEY, 'not json');
    expect(await bridge.invoke('snapshot:load', null)).toEqual({ ok: true, value: null });
  });

  it('app:status shows in the tab title', async () => {
    const bridge = createWebBridge(window);
    await bridge.invoke('app:status', {
      tray: 'on-call',
      callActive: true,
      dispositionPending: false,
      sessionState: 'PLAY',
    });
    expect(document.title).toMatch(/^On call/);
  });
});
