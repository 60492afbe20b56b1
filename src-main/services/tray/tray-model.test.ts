// Tray state machine and rendering: the icon/tooltip the agent sees and which menu commands are offered.
import { describe, expect, it } from 'vitest';
import type { AppStatus } from '../../../src-shared/contracts/ipc.js';
import { INITIAL_TRAY_STATE, renderTray, type TrayMenuItem, trayReducer } from './tray-model.js';
import { type TrayLike, TrayService } from './tray-service.js';

const status = (over: Partial<AppStatus>): AppStatus => ({
  tray: 'idle',
  callActive: false,
  dispositionPending: false,
  sessionState: 'STOP',
  ...over,
});
const enabled = (menu: readonly TrayMenuItem[]) =>
  menu.flatMap((m) => (m.kind === 'action' && m.enabled ? [m.id] : []));

describe('renderTray', () => {
  it('starts signed out with only Open and Quit', () => {
    const v = renderTray(INITIAL_TRAY_STATE);
    expect(v.icon).toBe('tray-signed-out.png');
    expect(enabled(v.menu)).toEqual(['SHOW', 'QUIT']);
  });

  it.each([
    ['PLAY', 'on-call', ['PAUSE', 'STOP', 'SHOW', 'QUIT'], 'Turbo Dialer: On a call'],
    ['PAUSE', 'paused', ['PLAY', 'STOP', 'SHOW', 'QUIT'], 'Turbo Dialer: Paused'],
    ['STOP', 'idle', ['PLAY', 'SHOW', 'QUIT'], 'Turbo Dialer: Ready'],
    ['PLAY', 'disposition-pending', ['PAUSE', 'STOP', 'SHOW', 'QUIT'], 'Turbo Dialer: Disposition pending'],
  ] as const)('session %s shown as %s offers %j', (sessionState, tray, actions, tooltip) => {
    const s = trayReducer(INITIAL_TRAY_STATE, { type: 'status', status: status({ sessionState, tray }) });
    const v = renderTray(s);
    expect(enabled(v.menu)).toEqual(actions);
    expect(v.tooltip).toBe(tooltip);
    expect(v.icon).toBe(`tray-${tray}.png`);
  });

  it('shows offline over any status and disables commands until connectivity returns', () => {
    let s = trayReducer(INITIAL_TRAY_STATE, {
      type: 'status',
      status: status({ sessionState: 'PLAY', tray: 'dialing' }),
    });
    s = trayReducer(s, { type: 'connectivity', online: false });
    expect(renderTray(s).state).toBe('offline');
    expect(enabled(renderTray(s).menu)).toEqual(['SHOW', 'QUIT']);
    s = trayReducer(s, { type: 'connectivity', online: true });
    expect(renderTray(s).state).toBe('dialing');
  });
});

describe('TrayService', () => {
  it('re-applies image, tooltip and context menu on every change (AppIndicator), and only on change', () => {
    const calls: string[] = [];
    const commands: string[] = [];
    let lastClick: ((id: 'PLAY' | 'PAUSE' | 'STOP' | 'SHOW' | 'QUIT') => void) | null = null;
    const fake: TrayLike<string[]> = {
      setImage: (p) => calls.push(`image:${p}`),
      setToolTip: (t) => calls.push(`tooltip:${t}`),
      setContextMenu: () => calls.push('menu'),
      on: () => undefined,
      destroy: () => calls.push('destroy'),
    };
    const service = new TrayService<string[]>({
      createTrayInstance: () => fake,
      buildMenu: (items, onClick) => {
        lastClick = onClick;
        return items.map((i) => i.kind);
      },
      iconPath: (n) => `/icons/${n}`,
      onCommand: (id) => commands.push(id),
    });
    service.start();
    calls.length = 0;
    service.setStatus(status({ sessionState: 'PLAY', tray: 'dialing' }));
    expect(calls).toEqual(['image:/icons/tray-dialing.png', 'tooltip:Turbo Dialer: Dialing', 'menu']);
    calls.length = 0;
    service.setStatus(status({ sessionState: 'PLAY', tray: 'dialing' }));
    expect(calls).toEqual([]);
    lastClick!('PAUSE');
    expect(commands).toEqual(['PAUSE']);
  });
});
