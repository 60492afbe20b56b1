// Registers every renderer → main channel on ipcMain, each answered by the shared dispatcher
// (src-shared/contracts/ipc-dispatch.ts: validate → handle → validate, a result and never a throw).
import {
  createDispatcher,
  type IpcContract,
  type IpcHandlers,
} from '../../src-shared/contracts/ipc-dispatch.js';

/** The part of Electron's ipcMain we use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}
export type IpcEventLike = { senderFrame?: { url: string } | null };

const registered = new WeakSet<IpcMainLike>();

/**
 * Registers every channel of the contract on ipcMain. Throws if called twice for the same ipcMain
 * (Signal's `initialize()` guard): a second registration would silently replace handlers. Returns dispose.
 */
export function registerIpc<C extends IpcContract>(
  ipcMain: IpcMainLike,
  contract: C,
  handlers: IpcHandlers<C>,
  options: Parameters<typeof createDispatcher<C>>[2] = {},
): () => void {
  if (registered.has(ipcMain)) throw new Error('registerIpc: IPC is already registered');
  registered.add(ipcMain);
  const dispatch = createDispatcher(contract, handlers, options);
  for (const channel of Object.keys(contract)) {
    ipcMain.handle(channel, (event, ...args) =>
      dispatch(channel, args.length === 0 ? null : args[0], { frameUrl: event.senderFrame?.url ?? null }),
    );
  }
  return () => {
    for (const channel of Object.keys(contract)) ipcMain.removeHandler(channel);
    registered.delete(ipcMain);
  };
}
