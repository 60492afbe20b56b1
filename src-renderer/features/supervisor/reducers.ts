// Every change to the console's store, pure: the socket's messages (SNAPSHOT, RESUMED, DIFF in seq order,
// a gap asks for a fresh snapshot), who is stuck (wrap-up or paused past the supervisor's thresholds), the
// rows the table shows (filter, stuck only), and the settings. No I/O, no clock: `now` is passed in.
import {
  AGENT_LIVE_STATES,
  type AgentLiveState,
  applySupervisorDiff,
  type SupervisorAgentRow,
  type SupervisorServerMessage,
} from '../../../src-shared/contracts/supervisor';
import type { ConsoleState, StuckThresholds } from './state';

export interface Applied {
  state: ConsoleState;
  /** The stream moved on without us (a seq gap, another stream): reconnect for a fresh SNAPSHOT. */
  resync: boolean;
}

/** Applies one socket message. `now` is the browser's clock (Date.now()) when it arrived. */
export function applyMessage(s: ConsoleState, m: SupervisorServerMessage, now: number): Applied {
  switch (m.type) {
    case 'SNAPSHOT':
      return {
        state: {
          ...s,
          live: {
            view: m.snapshot,
            stream: m.stream,
            seq: m.seq,
            clockOffsetMs: m.snapshot.serverNow - now,
          },
        },
        resync: false,
      };
    case 'RESUMED':
      return { state: s, resync: m.stream !== s.live.stream || s.live.view === null };
    case 'DIFF': {
      const { view, stream, seq } = s.live;
      if (!view || stream !== m.stream || seq === null) return { state: s, resync: true };
      if (m.seq <= seq) return { state: s, resync: false }; // replayed: already applied
      if (m.seq !== seq + 1) return { state: s, resync: true };
      return {
        state: {
          ...s,
          live: {
            view: applySupervisorDiff(view, m.diff),
            stream,
            seq: m.seq,
            clockOffsetMs: m.diff.serverNow - now,
          },
        },
        resync: false,
      };
    }
    default:
      return { state: s, resync: false };
  }
}

/** In wrap-up or paused longer than the supervisor's threshold. */
export function isStuck(row: SupervisorAgentRow, serverNow: number, t: StuckThresholds): boolean {
  if (row.state === 'WRAP_UP') return serverNow - row.since > t.WRAP_UP;
  if (row.state === 'PAUSED') return serverNow - row.since > t.PAUSED;
  return false;
}

/** The rows the table shows, in the coordinator's order (by email: a row never jumps around). */
export function shownRows(
  rows: readonly SupervisorAgentRow[],
  settings: ConsoleState['settings'],
  serverNow: number,
): readonly SupervisorAgentRow[] {
  const q = settings.filter.trim().toLowerCase();
  if (!q && !settings.stuckOnly) return rows;
  return rows.filter(
    (r) =>
      (!q || r.email.toLowerCase().includes(q) || r.campaignName.toLowerCase().includes(q)) &&
      (!settings.stuckOnly || isStuck(r, serverNow, settings.thresholds)),
  );
}

export function countStuck(
  rows: readonly SupervisorAgentRow[],
  serverNow: number,
  t: StuckThresholds,
): number {
  let n = 0;
  for (const r of rows) if (isStuck(r, serverNow, t)) n += 1;
  return n;
}

/** Thresholds typed in minutes; anything not a positive number keeps the old value. */
export function setThresholdMinutes(
  s: ConsoleState,
  which: keyof StuckThresholds,
  minutes: number,
): ConsoleState {
  if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) return s;
  const ms = Math.round(minutes * 60_000);
  if (s.settings.thresholds[which] === ms) return s;
  return {
    ...s,
    settings: { ...s.settings, thresholds: { ...s.settings.thresholds, [which]: ms } },
  };
}

export type StateCounts = Record<AgentLiveState, number>;

/** Agents per live state, for the team ('' key) and per campaign, counted from the rows themselves: the
 *  cards then always agree with the table (the server's totals come at most once a second). */
export function countStates(rows: readonly SupervisorAgentRow[]): Map<string, StateCounts> {
  const zero = (): StateCounts => Object.fromEntries(AGENT_LIVE_STATES.map((s) => [s, 0])) as StateCounts;
  const out = new Map<string, StateCounts>([['', zero()]]);
  for (const r of rows) {
    const team = out.get('') ?? zero();
    team[r.state] += 1;
    const k = out.get(r.campaignName) ?? zero();
    k[r.state] += 1;
    out.set(r.campaignName, k);
  }
  return out;
}
