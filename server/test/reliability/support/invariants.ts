// What must hold after any fault (DESIGN's reliability rules), checked on the emulators and the API:
//  - every accepted disposition is written to the sheet exactly once with its intended values (the sheet is
//    compared with the expectations built from every accepted disposition, once the write-behind queue had
//    time to drain): lost = rows still short of their expected attempts, duplicated = rows past them;
//  - no number was dialed twice at once from one agent tab (the Dialpad emulator's own call log: per
//    number and agent, no two calls overlap in time). The same number in two agents' tabs dialed by both at
//    once is counted apart (crossTabOverlaps): the coordinator's claims are per tab, so nothing prevents it
//    today, and the demo data has numbers in several tabs (an open finding, docs/RELIABILITY.md);
//  - no session is stuck: every agent ends PAUSEd with no call left undisposed.
import { HTTP_API } from '../../../../src-shared/contracts/http.js';
import { COL, tabValues } from '../../../../test/support/emulator-admin.js';
import type { DialpadEmulator } from '../../../emulators/dialpad/server.js';
import type { SheetsEmulator } from '../../../emulators/sheets/server.js';
import { expectAfter, type RowExpectation, sheetMismatches } from '../../api/support/sheet-expectations.js';
import type { LoadAgent } from './load.js';

export interface InvariantReport {
  accepted: number;
  lost: number;
  duplicated: number;
  mismatches: string[];
  overlappingDials: string[];
  /** The same number dialed at once by two agents, from two tabs (reported, not yet prevented). */
  crossTabOverlaps: string[];
  stuckSessions: string[];
}

/** Expectations per agent tab, accumulated over every scenario so far (the sheet is cumulative). */
export class SheetLedger {
  readonly #rows = new Map<string, Map<string, RowExpectation>>();
  #counted = new Map<LoadAgent, number>();

  absorb(agents: readonly LoadAgent[]): void {
    for (const a of agents) {
      const from = this.#counted.get(a) ?? 0;
      const rows = this.#rows.get(a.email) ?? new Map<string, RowExpectation>();
      for (const d of a.accepted.slice(from))
        expectAfter(rows, { ...d.preview, numberIndex: d.numberIndex }, d.code, null);
      this.#rows.set(a.email, rows);
      this.#counted.set(a, a.accepted.length);
    }
  }

  rowsOf(email: string): Map<string, RowExpectation> {
    return this.#rows.get(email) ?? new Map();
  }
}

export async function checkInvariants(
  agents: readonly LoadAgent[],
  ledger: SheetLedger,
  sheets: SheetsEmulator,
  dialpad: DialpadEmulator,
  drainMs = 60_000,
): Promise<InvariantReport> {
  ledger.absorb(agents);
  let mismatches: string[] = [];
  const deadline = Date.now() + drainMs;
  for (;;) {
    mismatches = [];
    for (const a of agents)
      mismatches.push(
        ...(await sheetMismatches(
          sheets,
          a.tab.spreadsheetId,
          a.tab.tabTitle,
          ledger.rowsOf(a.email).values(),
        )),
      );
    if (mismatches.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  let lost = 0;
  let duplicated = 0;
  for (const a of agents) {
    const values = await tabValues(sheets.url, a.tab.spreadsheetId, a.tab.tabTitle);
    for (const e of ledger.rowsOf(a.email).values()) {
      const got = Number(values[e.rowNumber - 1]?.[COL.attemptCount] ?? 0);
      if (got < e.attemptCount) lost += e.attemptCount - got;
      if (got > e.attemptCount) duplicated += got - e.attemptCount;
    }
  }
  const sameTab = overlappingDials(dialpad, (c) => `${c.userId}|${c.external_number}`);
  return {
    accepted: agents.reduce((n, a) => n + a.accepted.length, 0),
    lost,
    duplicated,
    mismatches,
    overlappingDials: sameTab,
    crossTabOverlaps: overlappingDials(dialpad, (c) => c.external_number).filter((o) => !sameTab.includes(o)),
    stuckSessions: await stuckSessions(agents),
  };
}

function overlappingDials(
  dialpad: DialpadEmulator,
  groupOf: (c: { userId: string; external_number: string }) => string,
): string[] {
  const groups = new Map<string, { start: number; end: number; id: string }[]>();
  for (const c of dialpad.state.listCalls()) {
    const list = groups.get(groupOf(c)) ?? [];
    list.push({
      start: c.date_started,
      end: c.date_ended ?? Number.POSITIVE_INFINITY,
      id: String(c.call_id),
    });
    groups.set(groupOf(c), list);
  }
  const out: string[] = [];
  for (const [group, calls] of groups) {
    const number = group.split('|').pop() ?? '';
    calls.sort((x, y) => x.start - y.start);
    for (let i = 1; i < calls.length; i++) {
      const prev = calls[i - 1];
      const cur = calls[i];
      if (prev && cur && cur.start < prev.end)
        out.push(`…${number.slice(-4)}: calls ${prev.id} and ${cur.id}`);
    }
  }
  return out;
}

async function stuckSessions(agents: readonly LoadAgent[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of agents) {
    const r = await a.send('sessionCurrent', undefined);
    const snap = HTTP_API.sessionCurrent.response.parse(r.body);
    if (snap.session.state !== 'PAUSE') out.push(`${a.email}: session ${snap.session.state}`);
    if (snap.call && snap.call.state !== 'DISPOSED')
      out.push(`${a.email}: call ${snap.call.callId} ${snap.call.state}`);
  }
  return out;
}
