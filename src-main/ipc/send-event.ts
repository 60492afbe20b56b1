// Main → renderer pushes, validated against IPC_EVENTS before sending (a bug in main must not put an
// unexpected shape in front of the renderer). Sends go to the one window, if it is alive.
import { IPC_EVENTS, type IpcEventChannel } from '../../src-shared/contracts/ipc.js';
import type { z } from 'zod';

export interface WebContentsLike {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

export type EventSender = <C extends IpcEventChannel>(
  channel: C,
  payload: z.input<(typeof IPC_EVENTS)[C]>,
) => boolean;

export function createEventSender(
  target: () => WebContentsLike | null,
  onInvalid: (channel: string) => void,
): EventSender {
  return (channel, payload) => {
    const parsed = IPC_EVENTS[channel].safeParse(payload);
    if (!parsed.success) {
      onInvalid(channel);
      return false;
    }
    const wc = target();
    if (!wc || wc.isDestroyed()) return false;
    wc.send(channel, parsed.data);
    return true;
  };
}
