// IPC validation on both sides: a bad payload is an error result and the handler never runs; the preload
// bridge exposes only contract channels and drops pushed events of the wrong shape.
import { describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE, SHORTCUT_ACTIONS } from '../../src-shared/contracts/ipc.js';
import { createDesktopBridge, type IpcRendererLike } from '../preload/bridge.js';
import { createDispatcher, IpcError, type IpcHandlers } from '../../src-shared/contracts/ipc-dispatch.js';
import { type IpcMainLike, registerIpc } from './register-ipc.js';
import { createEventSender } from './send-event.js';

type Contract = typeof IPC_INVOKE;
const sender = { frameUrl: 'file:///app/dist/renderer/index.html' };
const handlers = (over: Partial<IpcHandlers<Contract>> = {}): IpcHandlers<Contract> => ({
  'snapshot:load': async () => null,
  'snapshot:save': async () => null,
  'credentials:get': async () => ({ refreshToken: null, storage: 'memory' as const }),
  'credentials:set': async () => ({ storage: 'memory' as const }),
  'credentials:clear': async () => null,
  'app:status': async () => null,
  'shortcuts:get': async () => ({ supported: true, unsupportedReason: null, registered: [], conflicts: [] }),
  'shortcuts:configure': async () => ({
    supported: true,
    unsupportedReason: null,
    registered: [],
    conflicts: [],
  }),
  'updater:install': async () => ({ accepted: false, reason: 'no update' }),
  'diagnostics:copy': async () => ({ copied: true }),
  'desktop:install-info': async () => null,
  'desktop:it-policy': async () => ({ applied: false }),
  ...over,
});

describe('createDispatcher', () => {
  it('rejects a bad payload with VALIDATION_FAILED and never calls the handler', async () => {
    const setToken = vi.fn(async () => ({ storage: 'memory' as const }));
    const log = vi.fn();
    const dispatch = createDispatcher(IPC_INVOKE, handlers({ 'credentials:set': setToken }), { log });
    const r = await dispatch('credentials:set', { refreshToken: 'short' }, sender);
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(r.ok === false && r.error.message).toMatch(/refreshToken/);
    expect(setToken).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'credentials:set', code: 'VALIDATION_FAILED' }),
    );
    // The log entry never carries the payload (it could be a token).
    expect(JSON.stringify(log.mock.calls)).not.toContain('short');
  });

  it('answers a valid call with {ok:true,value}', async () => {
    const status = vi.fn(async () => null);
    const dispatch = createDispatcher(IPC_INVOKE, handlers({ 'app:status': status }));
    const s = { tray: 'on-call', callActive: true, dispositionPending: false, sessionState: 'PLAY' };
    expect(await dispatch('app:status', s, sender)).toEqual({ ok: true, value: null });
    expect(status).toHaveBeenCalledWith(s, sender);
  });

  it('maps unknown channels, untrusted frames, thrown errors and invalid responses to error results', async () => {
    const dispatch = createDispatcher(
      IPC_INVOKE,
      handlers({
        'shortcuts:configure': async () => {
          throw new IpcError('INVALID_SHORTCUT', 'confirm: needs a modifier');
        },
        'diagnostics:copy': async () => ({ copied: 'yes' }) as never,
        'updater:install': async () => {
          throw new Error('boom');
        },
      }),
      { isTrustedSender: (s) => s.frameUrl?.startsWith('file://') ?? false },
    );
    expect(await dispatch('fs:read', null, sender)).toMatchObject({ error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await dispatch('toString', null, sender)).toMatchObject({ error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await dispatch('snapshot:load', null, { frameUrl: 'https://evil.example' })).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    const full = Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a, 'Enter']));
    expect(await dispatch('shortcuts:configure', full, sender)).toMatchObject({
      error: { code: 'INVALID_SHORTCUT' },
    });
    expect(await dispatch('diagnostics:copy', null, sender)).toMatchObject({ error: { code: 'INTERNAL' } });
    expect(await dispatch('updater:install', null, sender)).toMatchObject({
      error: { code: 'INTERNAL', message: 'boom' },
    });
  });
});

describe('registerIpc', () => {
  it('registers every contract channel once, passes the first argument, and refuses a second registration', async () => {
    const table = new Map<
      string,
      (e: { senderFrame: { url: string } }, ...a: unknown[]) => Promise<unknown>
    >();
    const ipcMain: IpcMainLike = {
      handle: (c, l) => void table.set(c, l),
      removeHandler: (c) => void table.delete(c),
    };
    const dispose = registerIpc(ipcMain, IPC_INVOKE, handlers());
    expect([...table.keys()].sort()).toEqual(Object.keys(IPC_INVOKE).sort());
    expect(() => registerIpc(ipcMain, IPC_INVOKE, handlers())).toThrow(/already/);
    const r = await table.get('snapshot:save')!(
      { senderFrame: { url: sender.frameUrl } },
      { schemaVersion: 9 },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    dispose();
    expect(table.size).toBe(0);
  });
});

describe('preload bridge', () => {
  const fakeIpc = () => {
    const listeners = new Map<string, Set<(e: unknown, ...a: unknown[]) => void>>();
    const invoked: unknown[][] = [];
    const ipc: IpcRendererLike = {
      invoke: async (...args) => {
        invoked.push(args);
        return { ok: true, value: null };
      },
      on: (c, l) => {
        if (!listeners.has(c)) listeners.set(c, new Set());
        listeners.get(c)!.add(l);
      },
      removeListener: (c, l) => listeners.get(c)?.delete(l),
    };
    const emit = (c: string, p: unknown) => {
      for (const l of listeners.get(c) ?? []) l({}, p);
    };
    return { ipc, invoked, emit, listeners };
  };

  it('validates before sending and exposes nothing but invoke/on', async () => {
    const f = fakeIpc();
    const bridge = createDesktopBridge(f.ipc);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'kind', 'on']);
    const bad = await bridge.invoke('credentials:set', { refreshToken: 'x' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(f.invoked).toEqual([]);
    await bridge.invoke('snapshot:load', null);
    expect(f.invoked).toEqual([['snapshot:load', null]]);
  });

  it('delivers only well-formed events and unsubscribes', () => {
    const f = fakeIpc();
    const bridge = createDesktopBridge(f.ipc);
    const got: unknown[] = [];
    const off = bridge.on('shortcut:fired', (p) => got.push(p.action));
    f.emit('shortcut:fired', { action: 'dispo-2' });
    f.emit('shortcut:fired', { action: 'rm -rf' });
    off();
    f.emit('shortcut:fired', { action: 'dispo-3' });
    expect(got).toEqual(['dispo-2']);
  });
});

describe('createEventSender', () => {
  it('refuses to push a payload that breaks the contract', () => {
    const sent: unknown[] = [];
    const invalid: string[] = [];
    const send = createEventSender(
      () => ({ send: (c, p) => void sent.push([c, p]), isDestroyed: () => false }),
      (c) => invalid.push(c),
    );
    expect(send('tray:command', { command: 'PLAY' })).toBe(true);
    expect(send('tray:command', { command: 'SELF_DESTRUCT' } as never)).toBe(false);
    expect(sent).toEqual([['tray:command', { command: 'PLAY' }]]);
    expect(invalid).toEqual(['tray:command']);
  });
});
