// The one IPC dispatch step (Mattermost's ipcValidate + Signal's result shape): the argument is parsed with
// the contract's zod schema before any handler runs, the handler's answer is parsed with the response
// schema, and the caller always gets `{ok:true,value}` or `{ok:false,error}`, never a thrown Error (Electron
// would flatten it to a string). The main process serves it on ipcMain (src-main/ipc/register-ipc.ts); the
// renderer's test bridge (src-renderer/test/fake-electron-bridge.ts) answers through it too, so a fake
// answer that breaks the contract fails there exactly as it would in the app. Pure: no Electron.
import type { z } from 'zod';
import type { IpcResult } from './ipc.js';

export type ChannelSchemas = Readonly<{ req: z.ZodType; res: z.ZodType }>;
export type IpcContract = Readonly<Record<string, ChannelSchemas>>;

export type IpcHandlers<C extends IpcContract> = {
  [K in keyof C]: (
    req: z.infer<C[K]['req']>,
    sender: IpcSender,
  ) => Promise<z.input<C[K]['res']>> | z.input<C[K]['res']>;
};

/** Who sent the call: handlers and the origin check see the frame URL, not the page's claims. */
export type IpcSender = Readonly<{ frameUrl: string | null }>;

/** A handler may throw this to answer with a specific code (e.g. INVALID_SHORTCUT). */
export class IpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type IpcLog = (entry: { channel: string; code: string; message: string }) => void;

export type Dispatcher = (channel: string, arg: unknown, sender: IpcSender) => Promise<IpcResult<unknown>>;

/** The pure part: validate → handle → validate, as a function tests call directly. */
export function createDispatcher<C extends IpcContract>(
  contract: C,
  handlers: IpcHandlers<C>,
  options: Readonly<{ log?: IpcLog; isTrustedSender?: (sender: IpcSender) => boolean }> = {},
): Dispatcher {
  const fail = (channel: string, code: string, message: string): IpcResult<never> => {
    options.log?.({ channel, code, message });
    return { ok: false, error: { code, message } };
  };
  return async (channel, arg, sender) => {
    if (!Object.hasOwn(contract, channel))
      return fail(channel, 'UNKNOWN_CHANNEL', `no IPC channel "${channel}"`);
    if (options.isTrustedSender && !options.isTrustedSender(sender)) {
      return fail(channel, 'FORBIDDEN', 'IPC from an untrusted frame');
    }
    const schemas = contract[channel]!;
    const parsed = schemas.req.safeParse(arg);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(
        channel,
        'VALIDATION_FAILED',
        issue ? `${issue.path.join('.') || '(argument)'}: ${issue.message}` : 'invalid argument',
      );
    }
    const handler = handlers[channel as keyof C]!;
    let value: unknown;
    try {
      value = await handler(parsed.data as z.infer<C[keyof C]['req']>, sender);
    } catch (err) {
      if (err instanceof IpcError) return fail(channel, err.code, err.message);
      const code =
        typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'INTERNAL';
      return fail(channel, code, err instanceof Error ? err.message : 'internal error');
    }
    const out = schemas.res.safeParse(value);
    if (!out.success) return fail(channel, 'INTERNAL', 'the main process produced an invalid response');
    return { ok: true, value: out.data };
  };
}
