// Demo data for the Sheets emulator: a router tab plus one agent tab per agent with a few hundred realistic
// leads (1–4 fictional numbers in the varied formatting people type: 555-01xx in US area codes across
// every US zone incl. Hawaii and Alaska, and the drama ranges of the UK, Australia and India, so the
// calling-hours rule is visible at any hour; some history already written, purple SKIPPED cells, a few
// blank rows, an optional TimeZone column filled on a few rows only (the zone is inferred from the number
// otherwise), then a customer's own columns: Company, City, Source). Deterministic per seed.
import {
  AGENT_OPTIONAL_COLUMNS,
  AGENT_TAB_HEADER,
  ROUTER_HEADER,
} from '../../../src-shared/domain/sheet-codec.js';
import { createRng, pick, type Rng, randInt } from '../common/rng.js';
import type { DemoAgent, DemoSupervisor } from '../demo-agents.js';
import type { SheetsFixture } from './fixture.js';

export interface DemoFixtureOptions {
  agents: readonly DemoAgent[];
  leadsPerAgent: number;
  seed: number;
  routerSpreadsheetId: string;
  /** Where the agent tabs live (default: the router's spreadsheet). */
  leadsSpreadsheetId?: string;
  /** Adds the optional TimeZone column (AA) after NextIndex (default true). */
  timeZoneColumn?: boolean;
  /** Supervisors to list in a `Supervisors` tab of the router spreadsheet (none: no such tab). */
  supervisors?: readonly DemoSupervisor[];
}

const SKIPPED_PURPLE = { red: 0x8e / 255, green: 0x7c / 255, blue: 0xc3 / 255 };

const FIRST = [
  'James',
  'Maria',
  'Robert',
  'Linda',
  'Michael',
  'Patricia',
  'David',
  'Jennifer',
  'Carlos',
  'Aisha',
  'Wei',
  'Priya',
  'Thomas',
  'Sofia',
  'Daniel',
  'Fatima',
  'Kevin',
  'Olivia',
  'Hiroshi',
  'Grace',
  'Luis',
  'Emma',
  'Omar',
  'Hannah',
  'Samuel',
  'Chloe',
  'Andre',
  'Nora',
  'Diego',
  'Rachel',
];
const LAST = [
  'Smith',
  'Johnson',
  'Garcia',
  'Lee',
  'Brown',
  'Martinez',
  'Nguyen',
  'Patel',
  'Kim',
  'Davis',
  'Lopez',
  'Wilson',
  'Anderson',
  'Chen',
  "O'Brien",
  'Thompson',
  'Rivera',
  'Walker',
  'Hall',
  'Young',
  'Khan',
  'Murphy',
  'Cohen',
  'Rossi',
  'Schmidt',
  'Baker',
  'Adams',
  'Turner',
  'Okafor',
  'Silva',
];

/** Where a demo number rings: the fictional range, the IANA zone its area code is in (for the optional
 *  TimeZone cell), and the ways people type it (x = 4 digits "01nn"). */
interface Area {
  area: string;
  zone: string;
  formats: readonly ((x: string) => string)[];
}

/** The ways people type the same US number into a sheet. */
const US_FORMATS = (a: string): readonly ((x: string) => string)[] => [
  (x) => `(${a}) 555-${x}`,
  (x) => `${a}.555.${x}`,
  (x) => `+1 ${a} 555 ${x}`,
  (x) => `${a}-555-${x}`,
  (x) => `+1${a}555${x}`,
  (x) => `1 (${a}) 555-${x}`,
];

const US = (area: string, zone: string): Area => ({ area, zone, formats: US_FORMATS(area) });

/** US area codes in every US zone, plus fictional ranges abroad (Ofcom's 020 7946 0xxx, ACMA's 02 5550
 *  xxxx, and a Delhi 011 5550 xxxx range), so some leads are always outside their window. */
const AREAS: readonly Area[] = [
  US('415', 'America/Los_Angeles'),
  US('650', 'America/Los_Angeles'),
  US('213', 'America/Los_Angeles'),
  US('206', 'America/Los_Angeles'),
  US('503', 'America/Los_Angeles'),
  US('702', 'America/Los_Angeles'),
  US('602', 'America/Phoenix'),
  US('303', 'America/Denver'),
  US('801', 'America/Denver'),
  US('312', 'America/Chicago'),
  US('214', 'America/Chicago'),
  US('512', 'America/Chicago'),
  US('612', 'America/Chicago'),
  US('212', 'America/New_York'),
  US('646', 'America/New_York'),
  US('617', 'America/New_York'),
  US('305', 'America/New_York'),
  US('404', 'America/New_York'),
  US('808', 'Pacific/Honolulu'),
  US('907', 'America/Anchorage'),
  {
    area: '+4420',
    zone: 'Europe/London',
    formats: [(x) => `+44 20 7946 0${x.slice(1)}`, (x) => `+44 (0)20 7946 0${x.slice(1)}`],
  },
  { area: '+612', zone: 'Australia/Sydney', formats: [(x) => `+61 2 5550 ${x}`, (x) => `+61 (2) 5550-${x}`] },
  { area: '+9111', zone: 'Asia/Kolkata', formats: [(x) => `+91 11 5550 ${x}`, (x) => `+91-11-5550-${x}`] },
];

const NOTES = [
  'Asked to call after 3pm',
  'Spanish speaker',
  'Prefers email follow-up',
  'Gatekeeper: ask for owner',
  'Interested in Q3',
  'Callback requested',
];

interface Slot {
  text: string;
  status: string;
}

function numberPool(rng: Rng, used: Set<string>): () => { area: string; zone: string; text: string } {
  return () => {
    for (let tries = 0; ; tries += 1) {
      const { area, zone, formats } = pick(rng, AREAS);
      const x = `01${String(randInt(rng, 0, 99)).padStart(2, '0')}`;
      // Unique across every tab of the fixture while the 2,300 fictional numbers last (two agents must not
      // be handed the same number at once: the reliability suite checks no number is dialed twice at
      // once); repeats only past that, in seeds far larger than the demo's.
      if (!used.has(area + x) || tries > 50) {
        used.add(area + x);
        return { area, zone, text: pick(rng, formats)(x) };
      }
    }
  };
}

/** Columns a customer's sheet carries beyond the dialer's (the agent's lead card shows them by header). */
const EXTRA_HEADERS = ['Company', 'City', 'Source'] as const;
const COMPANIES = ['Brightline Roofing', 'Cedar & Co', 'Northwind Homes', 'Summit Solar', 'Harbor Dental'];
const CITIES = ['Austin, TX', 'Fresno, CA', 'Tampa, FL', 'Denver, CO', 'Albany, NY', 'Toronto, ON'];
const SOURCES = ['Web form', 'Trade show', 'Referral', ''];

/** The extra cells of a row, derived from its RowID (not the RNG: the rest of the seed stays as it was). */
function extraCells(rowId: string): string[] {
  let h = 0;
  for (const ch of rowId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const at = <T>(xs: readonly T[], k: number) => xs[(h >>> k) % xs.length] as T;
  return [at(COMPANIES, 0), at(CITIES, 3), at(SOURCES, 7)];
}

/** One lead row (26 columns, plus TimeZone when asked) and the indexes of its SKIPPED status cells. */
function leadRow(rng: Rng, rowId: string, next: ReturnType<typeof numberPool>, withTz: boolean) {
  const count = pick(rng, [1, 1, 2, 2, 2, 3, 3, 4]);
  const numbers = Array.from({ length: count }, () => next());
  const slots: Slot[] = numbers.map((n) => ({ text: n.text, status: rng() < 0.3 ? 'NEW' : '' }));
  let attempts = 0;
  let lastOutcome = '';
  let nextIndex = 1;
  const roll = rng();
  if (roll < 0.08 && count > 1) {
    // Reached: one number CORRECT, its siblings SKIPPED (purple).
    const hit = randInt(rng, 0, count - 1);
    slots.forEach((s, i) => {
      s.status = i === hit ? 'CORRECT' : 'SKIPPED';
    });
    attempts = randInt(rng, 1, 3);
    lastOutcome = 'CORRECT';
  } else if (roll < 0.25) {
    // Some history: the first numbers tried without luck.
    const tried = randInt(rng, 1, count);
    for (let i = 0; i < tried; i += 1) {
      const s = slots[i] as Slot;
      s.status = pick(rng, ['NO_ANSWER', 'NO_ANSWER', 'VOICEMAIL', 'WRONG']);
      lastOutcome = s.status === 'VOICEMAIL' ? 'VM_OR_NA_UNKNOWN' : s.status;
    }
    attempts = tried + randInt(rng, 0, 1);
    nextIndex = (tried % count) + 1;
  } else if (roll < 0.27) {
    slots.forEach((s, i) => {
      s.status = i === 0 ? 'SKIPPED' : s.status;
    });
    attempts = 1;
    lastOutcome = 'DO_NOT_CALL';
  }
  const row: string[] = [rowId, `${pick(rng, FIRST)} ${pick(rng, LAST)}`];
  for (let i = 0; i < 10; i += 1) row.push(slots[i]?.text ?? '');
  for (let i = 0; i < 10; i += 1) row.push(slots[i]?.status ?? '');
  row.push(
    rng() < 0.1 ? pick(rng, NOTES) : '',
    lastOutcome,
    attempts ? String(attempts) : '',
    attempts ? String(nextIndex) : '',
  );
  // A few rows carry a TimeZone cell (it wins over the numbers); the others are placed by their numbers.
  // Then the empty CallbackAt / CallbackAgent cells (the agent's modal schedules callbacks into them).
  if (withTz) row.push(rng() < 0.1 ? (numbers[0]?.zone ?? '') : '', '', '');
  row.push(...extraCells(rowId));
  const skippedCols = slots.flatMap((s, i) => (s.status === 'SKIPPED' ? [12 + i] : []));
  return { row, skippedCols };
}

export function buildDemoFixture(opts: DemoFixtureOptions): SheetsFixture {
  const rng = createRng(opts.seed);
  const leadsId = opts.leadsSpreadsheetId ?? opts.routerSpreadsheetId;
  const withTz = opts.timeZoneColumn ?? true;
  const header = [...AGENT_TAB_HEADER, ...(withTz ? AGENT_OPTIONAL_COLUMNS : []), ...EXTRA_HEADERS];
  const usedNumbers = new Set<string>();
  const agentSheets = opts.agents.map((agent, a) => {
    const sheetId = 1001 + a;
    const next = numberPool(rng, usedNumbers);
    const rows: string[][] = [header];
    const cells: { row: number; col: number; data: Record<string, unknown> }[] = [];
    for (let n = 1; n <= opts.leadsPerAgent; n += 1) {
      // A few blank rows, as a person leaves between batches of leads.
      if (rng() < 0.015) rows.push([]);
      const { row, skippedCols } = leadRow(
        rng,
        `${String.fromCharCode(65 + (a % 26))}${String(n).padStart(4, '0')}`,
        next,
        withTz,
      );
      rows.push(row);
      for (const col of skippedCols) {
        cells.push({
          row: rows.length,
          col,
          data: { userEnteredFormat: { backgroundColor: SKIPPED_PURPLE } },
        });
      }
    }
    return { sheetId, title: `Leads - ${agent.name}`, rows, cells, columnCount: Math.max(26, header.length) };
  });
  const router = {
    sheetId: 0,
    title: 'Router',
    rows: [
      [...ROUTER_HEADER],
      ...opts.agents.map((agent, a) => [
        agent.email,
        agent.dialpadUserId,
        leadsId,
        String(1001 + a),
        agent.campaignName,
        'TRUE',
      ]),
    ],
  };
  // The Supervisors tab beside the router (supervisor console, issue 11): absent when none are seeded.
  const supervisorTabs = opts.supervisors
    ? [
        {
          sheetId: 900,
          title: 'Supervisors',
          rows: [
            ['Email', 'Campaigns', 'Active'],
            ...opts.supervisors.map((s) => [s.email, s.campaigns.join(', '), 'TRUE']),
          ],
        },
      ]
    : [];
  if (leadsId === opts.routerSpreadsheetId) {
    return {
      spreadsheets: [
        {
          spreadsheetId: leadsId,
          title: 'Turbo Dialer demo',
          sheets: [router, ...supervisorTabs, ...agentSheets],
        },
      ],
    };
  }
  return {
    spreadsheets: [
      {
        spreadsheetId: opts.routerSpreadsheetId,
        title: 'Turbo Dialer router',
        sheets: [router, ...supervisorTabs],
      },
      { spreadsheetId: leadsId, title: 'Turbo Dialer leads', sheets: agentSheets },
    ],
  };
}
