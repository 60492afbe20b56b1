// Which time-based figures the stats panel shows, and when they mean something (issue 10): talk time counts
// the live connected call as it runs (the server adds a call's talk time only when it ends), and dials per
// hour appears only after the session has run long enough for an hourly rate not to be a wild
// extrapolation (two minutes and four calls would read 120).
import type { CallView, StatsView } from '../../src-shared/contracts/views';

/** Dials per hour is shown once the session has run this long. */
export const RATE_AFTER_MS = 10 * 60_000;

export interface ShownStats {
  talkSeconds: number;
  /** null: too early for an hourly rate. */
  dialsPerHour: number | null;
}

export function shownStats(
  stats: StatsView,
  call: CallView | null,
  sessionStartedAt: number | null,
  now: number,
): ShownStats {
  const live =
    call && call.state === 'CONNECTED' && call.connectedAt !== null
      ? Math.max(0, now - call.connectedAt) / 1000
      : 0;
  const ranFor = sessionStartedAt === null ? 0 : now - sessionStartedAt;
  return {
    talkSeconds: stats.talkTimeSeconds + live,
    dialsPerHour: ranFor >= RATE_AFTER_MS ? stats.dialsPerHour : null,
  };
}
