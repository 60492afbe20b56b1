// The DesktopBridge the preload exposes on `window.turboDesktop`, derived from the IPC contract (ERB's
// `typeof` trick, but with payload types): only contract channels can be invoked or subscribed, pushed
// events are validated with the same schemas before the renderer sees them, and the renderer never gets
// ipcRenderer itself. Pure over an injected ipcRenderer-like object, so it is tested in Node.
import {
  type DesktopBridge,
  IPC_EVENTS,
  IPC_INVOKE,
  type IpcEventChannel,
  type IpcInvokeChannel,
  type IpcResult,
} from '../../src-shared/contracts/ipc.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const failure = (code: string, message: string) => ({ ok: false as const, error: { code, message } });

export function createDesktopBridge(ipc: IpcRendererLike): DesktopBridge {
  const bridge: DesktopBridge = {
    kind: 'electron',
    async invoke(channel, req) {
      if (!Object.hasOwn(IPC_INVOKE, channel)) {
        return failure('UNKNOWN_CHANNEL', `no IPC channel "${String(channel)}"`) as never;
      }
      const schemas = IPC_INVOKE[channel as IpcInvokeChannel];
      // Validated here too, so a bad call fails fast with a clear message instead of a round trip.
      const parsed = schemas.req.safeParse(req);
      if (!parsed.success) {
        return failure('VALIDATION_FAILED', parsed.error.issues[0]?.message ?? 'invalid argument') as never;
      }
      try {
        return (await ipc.invoke(channel, parsed.data)) as IpcResult<never>;
      } catch (err) {
        return failure('IPC_FAILED', err instanceof Error ? err.message : String(err)) as never;
      }
    },
    on(channel, listener) {
      if (!Object.hasOwn(IPC_EVENTS, channel)) return () => {};
      const schema = IPC_EVENTS[channel as IpcEventChannel];
      const wrapped = (_event: unknown, payload: unknown) => {
        const parsed = schema.safeParse(payload);
        if (parsed.success) (listener as (p: unknown) => void)(parsed.data);
      };
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    },
  };
  return Object.freeze(bridge);
}
