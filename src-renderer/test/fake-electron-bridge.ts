// A stand-in for the Electron preload's DesktopBridge in jsdom tests: storage and app:status behave like the
// web bridge, but it reports kind 'electron', lets a test push main-process events (emit) and scripts what
// the main process answers to 'updater:install', recording every call.
import type {
  DesktopBridge,
  IpcEventChannel,
  IpcInvokeChannel,
  IpcResult,
} from '../../src-shared/contracts/ipc';
import { createWebBridge } from '../bridge/web';

type InstallAnswer = { accepted: boolean; reason: string | null };

export interface FakeElectronBridge {
  bridge: DesktopBridge;
  /** Pushes a main → renderer event to every listener (unvalidated: the renderer must parse it). */
  emit: (channel: IpcEventChannel, payload: unknown) => void;
  /** How many times the renderer invoked 'updater:install'. */
  installCalls: number;
  /** What the main process answers to 'updater:install'. */
  installAnswer: IpcResult<InstallAnswer>;
}

export function fakeElectronBridge(win: Window = window): FakeElectronBridge {
  const web = createWebBridge(win);
  const listeners = new Map<IpcEventChannel, Set<(p: unknown) => void>>();
  const fake: FakeElectronBridge = {
    bridge: {
      kind: 'electron',
      invoke: ((channel: IpcInvokeChannel, req: unknown) => {
        if (channel !== 'updater:install') return web.invoke(channel, req as never);
        fake.installCalls += 1;
        return Promise.resolve(fake.installAnswer);
      }) as DesktopBridge['invoke'],
      on: ((channel: IpcEventChannel, listener: (p: unknown) => void) => {
        let set = listeners.get(channel);
        if (!set) {
          set = new Set();
          listeners.set(channel, set);
        }
        set.add(listener);
        return () => set.delete(listener);
      }) as DesktopBridge['on'],
    },
    emit: (channel, payload) => {
      for (const l of listeners.get(channel) ?? []) l(payload);
    },
    installCalls: 0,
    installAnswer: { ok: true, value: { accepted: true, reason: null } },
  };
  return fake;
}
