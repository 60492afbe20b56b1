// The demo seed is what the one-command demo dials: it must decode cleanly with the shared sheet codec,
// use only fictional numbers (555-01xx, and the UK / Australian / Indian drama ranges), spread across time
// zones, carry some history and blank rows, and be reproducible per seed.
import { describe, expect, it } from 'vitest';
import { AGENT_TAB_HEADER, parseAgentRows, parseRouterRows } from '../../../src-shared/domain/sheet-codec.js';
import { DEMO_AGENTS, DEMO_ROUTER_SPREADSHEET_ID } from '../demo-agents.js';
import { buildDemoFixture } from './demo-seed.js';
import { type ParsedSheetsFixture, SheetsFixtureSchema } from './fixture.js';

const build = (seed = 7, leadsPerAgent = 300): ParsedSheetsFixture =>
  SheetsFixtureSchema.parse(
    buildDemoFixture({
      agents: DEMO_AGENTS,
      leadsPerAgent,
      seed,
      routerSpreadsheetId: DEMO_ROUTER_SPREADSHEET_ID,
    }),
  );

const text = (rows: readonly (readonly unknown[])[]): string[][] =>
  rows.map((r) => r.map((c) => String(c ?? '')));

describe('demo seed', () => {
  const fixture = build();
  const sheets = fixture.spreadsheets[0]?.sheets ?? [];

  it('has a router row per agent pointing at that agent’s tab', () => {
    const router = sheets.find((s) => s.title === 'Router');
    const { entries, rowErrors } = parseRouterRows(text(router?.rows ?? []));
    expect(rowErrors).toEqual([]);
    expect(entries).toHaveLength(DEMO_AGENTS.length);
    for (const [i, agent] of DEMO_AGENTS.entries()) {
      const tab = sheets.find((s) => s.sheetId === Number(entries[i]?.tabId));
      expect(tab?.title).toBe(`Leads - ${agent.name}`);
    }
  });

  it('agent tabs decode with the shared codec: header, hundreds of leads, no row errors', () => {
    for (const tab of sheets.filter((s) => s.title !== 'Router')) {
      expect(tab.rows[0]?.slice(0, 26)).toEqual(AGENT_TAB_HEADER);
      expect(tab.rows[0]?.[26]).toBe('TimeZone');
      const { leads, rowErrors } = parseAgentRows(text(tab.rows));
      expect(rowErrors).toEqual([]);
      expect(leads).toHaveLength(300);
    }
  });

  it('uses only fictional numbers, in varied formatting, with history, blanks and time zones', () => {
    const tab = sheets.find((s) => s.title !== 'Router');
    const rows = (tab?.rows ?? []).slice(1);
    const numbers = rows.flatMap((r) => r.slice(2, 12).filter((c) => c !== '' && c !== null)).map(String);
    expect(numbers.length).toBeGreaterThan(300);
    for (const n of numbers)
      expect(n.replace(/\D/g, '')).toMatch(
        /^(1?\d{3}55501\d\d|44(0)?2079460\d\d\d|61(2)?255500\d\d\d|9111555001\d\d)$/,
      );
    expect(numbers.some((n) => /^\(\d{3}\) 555-01\d\d$/.test(n))).toBe(true);
    expect(numbers.some((n) => /^\d{3}\.555\.01\d\d$/.test(n))).toBe(true);
    expect(numbers.some((n) => /^\+1 \d{3} 555 01\d\d$/.test(n))).toBe(true);
    const statuses = new Set(rows.flatMap((r) => r.slice(12, 22)).map(String));
    for (const s of ['NO_ANSWER', 'CORRECT', 'SKIPPED']) expect(statuses.has(s)).toBe(true);
    expect(rows.some((r) => r.length === 0)).toBe(true);
    expect(rows.some((r) => String(r[26] ?? '').startsWith('America/'))).toBe(true);
    // Spread across zones: Hawaii, Alaska and abroad are there, so some leads are outside their window.
    for (const re of [/808/, /907/, /^\+44/, /^\+61/, /^\+91/])
      expect(numbers.some((n) => re.test(n))).toBe(true);
    expect(tab?.cells?.length).toBeGreaterThan(0);
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(build(7, 50)).toEqual(build(7, 50));
    expect(build(8, 50)).not.toEqual(build(7, 50));
  });
});
