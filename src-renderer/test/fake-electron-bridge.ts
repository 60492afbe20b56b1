// The Electron preload's DesktopBridge for jsdom tests, held to the IPC contract: every invoke goes through
// the main process's own dispatcher (src-shared/contracts/ipc-dispatch.ts), so a request the renderer sends
// and an answer a test scripts are both parsed with the contract's schemas, and one that breaks it comes
// back as the app would see it ({ok:false}, VALIDATION_FAILED or INTERNAL). Scripted answers are typed from
// the contract. Channels a test does not script behave like the web bridge (browser storage, page title).
// `emit` pushes main → renderer events unvalidated on purpose: the renderer must parse what it receives.
import { createDispatcher, IpcError, type IpcHandlers } from '../../src-shared/contracts/ipc-dispatch';
import {
  type DesktopBridge,
  IPC_INVOKE,
  type IpcEventChannel,
  type IpcInvokeChannel,
  type IpcResult,
} from '../../src-shared/contracts/ipc';
import type { z } from 'zod';
import { createWebBridge } from '../bridge/web';

export type MainHandlers = IpcHandlers<typeof IPC_INVOKE>;

export interface FakeElectronBridge {
  bridge: DesktopBridge;
  /** Every invoke, in order, with the argument as the renderer sent it. */
  calls: { channel: IpcInvokeChannel; req: unknown }[];
  /** The arguments of the invokes on one channel, as the renderer sent them (typed as its bridge allows). */
  of<C extends IpcInvokeChannel>(channel: C): z.input<(typeof IPC_INVOKE)[C]['req']>[];
  /** Pushes a main → renderer event to every listener (unvalidated: the renderer must parse it). */
  emit(channel: IpcEventChannel, payload: unknown): void;
}

/** `main`: the main process's answer per channel (typed from the contract); the rest act as the web bridge. */
export function fakeElectronBridge(
  main: Partial<MainHandlers> = {},
  win: Window = window,
): FakeElectronBridge {
  const web = createWebBridge(win);
  // Channel-erased on purpose: whatever the web bridge answers is parsed by the dispatcher below.
  const webInvoke = web.invoke as (channel: IpcInvokeChannel, req: unknown) => Promise<IpcResult<unknown>>;
  const viaWeb = (channel: IpcInvokeChannel) => async (req: unknown) => {
    const r = await webInvoke(channel, req);
    if (!r.ok) throw new IpcError(r.error.code, r.error.message);
    return r.value;
  };
  const handlers = Object.fromEntries(
    (Object.keys(IPC_INVOKE) as IpcInvokeChannel[]).map((c) => [c, main[c] ?? viaWeb(c)]),
  ) as MainHandlers;
  const dispatch = createDispatcher(IPC_INVOKE, handlers);
  const calls: FakeElectronBridge['calls'] = [];
  const listeners = new Map<IpcEventChannel, Set<(p: unknown) => void>>();
  const bridge: DesktopBridge = {
    kind: 'electron',
    // The dispatcher parsed the answer with the channel's response schema: the result has the channel's type.
    invoke: ((channel: IpcInvokeChannel, req: unknown) => {
      calls.push({ channel, req });
      return dispatch(channel, req, { frameUrl: 'file:///app/dist/renderer/index.html' });
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
  };
  return {
    bridge,
    calls,
    of: <C extends IpcInvokeChannel>(channel: C) =>
      calls.filter((c) => c.channel === channel).map((c) => c.req as z.input<(typeof IPC_INVOKE)[C]['req']>),
    emit: (channel, payload) => {
      for (const l of listeners.get(channel) ?? []) l(payload);
    },
  };
}
