// Calls kept after an ambiguous Dialpad answer (a 5xx, a timeout, a lost connection: docs/gateways.md),
// remembered by the instance that dialed them until their confirmation deadline. A call Dialpad placed
// reports itself within seconds (its ringing webhook; Dialpad retries a failed delivery for ~15 s); one
// still DIALING at the deadline was most likely never placed, and the timeout sweep ends it into the modal
// then rather than at the campaign's call timeout (15 min by default). Memory only: after a crash the call
// timeout is the backstop. Keyed by the service's context, so each service (and test) has its own.

/** How long a kept call may stay unreported by Dialpad before it ends into the modal. */
export const UNCONFIRMED_CALL_MS = 60_000;

/** Per service: each remembered call's confirmation deadline (epoch ms). */
const byService = new WeakMap<object, Map<string, number>>();

/** Remembers a kept call's confirmation deadline. */
export function noteUnconfirmed(service: object, callId: string, at: number): void {
  let calls = byService.get(service);
  if (!calls) {
    calls = new Map();
    byService.set(service, calls);
  }
  calls.set(callId, at);
}

/** The ids of the remembered calls whose deadline passed, forgotten as they are handed out. */
export function takeDueUnconfirmed(service: object, now: number): string[] {
  const calls = byService.get(service);
  if (!calls || calls.size === 0) return [];
  const due: string[] = [];
  for (const [callId, at] of calls) {
    if (at > now) continue;
    calls.delete(callId);
    due.push(callId);
  }
  return due;
}
