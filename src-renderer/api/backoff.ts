// Reconnect delays: exponential with "full jitter" (a random delay between a floor and the exponential cap),
// so a coordinator restart is not met by every agent reconnecting in the same millisecond.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  floorMs: number;
}

export const SOCKET_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000, floorMs: 250 };

/** Delay before attempt `attempt` (0 = first retry). `random` is in [0, 1). */
export function backoffDelay(attempt: number, random: number, o: BackoffOptions = SOCKET_BACKOFF): number {
  const cap = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(o.floorMs + random * Math.max(0, cap - o.floorMs));
}
