// Fault hook for crash tests: TD_FAULT_EXIT_AT=<point> makes the coordinator kill itself (SIGKILL: no
// cleanup, like a crash) at that point between two steps of the hot path. Ignored in production
// (NODE_ENV=production); server/test/service/crash-points.test.ts proves nothing is lost at each point.

export const FAULT_POINTS = [
  /** A webhook's ENDED step is committed with its SHOW_DISPO (one script); the webhook is not answered. */
  'ended-before-answer',
  /** A disposition is committed; its events, stats and the chained dial have not happened yet. */
  'disposed-before-chain',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

/** Kills this process at once when `point` is the configured one. */
export function faultExit(configured: FaultPoint | null, point: FaultPoint): void {
  if (configured === point) process.kill(process.pid, 'SIGKILL');
}
