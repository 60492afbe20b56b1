import { describe, expect, it } from 'vitest';
import {
  applyDisposition,
  applyManualSkip,
  DomainError,
  markInProgress,
  revertInProgress,
  suggestDisposition,
  type TabRef,
} from './apply.js';
import { type CampaignRules, DEFAULT_CAMPAIGN_RULES } from './campaign.js';
import { buildCatalog, DEFAULT_DISPOSITIONS, type DispositionCode } from './disposition.js';
import type { Lead } from './lead.js';
import { makeLead } from './lead-fixtures.js';
import { parseAgentRows, AGENT_TAB_HEADER, leadToCells } from './sheet-codec.js';
import { SKIPPED_RGB } from './sheet-patch.js';
import type { PhoneStatus } from './status.js';

const TAB: TabRef = { spreadsheetId: 'ss-1', sheetId: 7, tabTitle: 'Agent A' };
const NOW = Date.parse('2026-11-25T15:00:00Z');
const MIN = 60_000;
const rules: CampaignRules = { ...DEFAULT_CAMPAIGN_RULES, maxAttempts: 6 };
const catalog = DEFAULT_DISPOSITIONS;
const statuses = (l: Lead) => l.numbers.map((n) => n.status);

/** A lead on sheet row 5 with three numbers, the first one being dialed. */
const base = () =>
  makeLead({
    rowId: 'L-5',
    rowNumber: 5,
    numbers: [{ status: 'IN_PROGRESS' }, {}, { status: 'NO_ANSWER' }],
    attemptCount: 1,
  });

function dispose(
  code: DispositionCode,
  lead: Lead = base(),
  extra: Partial<{ notes: string; rules: CampaignRules; numberIndex: number }> = {},
) {
  return applyDisposition({
    lead,
    numberIndex: extra.numberIndex ?? 0,
    code,
    notes: extra.notes,
    now: NOW,
    rules: extra.rules ?? rules,
    catalog,
    tab: TAB,
  });
}

describe('applyDisposition: one row per disposition', () => {
  type Row = {
    code: DispositionCode;
    status: PhoneStatus;
    skipReason: string | null;
    retryAt: number | null;
    siblings: PhoneStatus[];
    leadDone: boolean;
    purple: number[];
  };
  const table: Row[] = [
    {
      code: 'CORRECT',
      status: 'CORRECT',
      skipReason: null,
      retryAt: null,
      siblings: ['SKIPPED', 'SKIPPED'],
      leadDone: true,
      purple: [13, 14],
    },
    {
      code: 'WRONG',
      status: 'WRONG',
      skipReason: null,
      retryAt: null,
      siblings: ['NEW', 'NO_ANSWER'],
      leadDone: false,
      purple: [],
    },
    {
      code: 'VM_SAME_NAME',
      status: 'VOICEMAIL',
      skipReason: null,
      retryAt: NOW + 180 * MIN,
      siblings: ['NEW', 'NO_ANSWER'],
      leadDone: false,
      purple: [],
    },
    {
      code: 'VM_OR_NA_UNKNOWN',
      status: 'VOICEMAIL',
      skipReason: null,
      retryAt: NOW + 180 * MIN,
      siblings: ['NEW', 'NO_ANSWER'],
      leadDone: false,
      purple: [],
    },
    {
      code: 'NO_ANSWER',
      status: 'NO_ANSWER',
      skipReason: null,
      retryAt: NOW + 60 * MIN,
      siblings: ['NEW', 'NO_ANSWER'],
      leadDone: false,
      purple: [],
    },
    {
      code: 'DO_NOT_CALL',
      status: 'SKIPPED',
      skipReason: 'DO_NOT_CALL',
      retryAt: null,
      siblings: ['SKIPPED', 'SKIPPED'],
      leadDone: true,
      purple: [12, 13, 14],
    },
  ];
  it.each(table)('$code', (row) => {
    const { lead, patch, leadDone } = dispose(row.code);
    const n0 = lead.numbers[0];
    expect(n0).toMatchObject({ status: row.status, skipReason: row.skipReason, retryAt: row.retryAt });
    expect(statuses(lead).slice(1, 3)).toEqual(row.siblings);
    expect(lead.attemptCount).toBe(2);
    expect(lead.lastOutcome).toBe(row.code);
    expect(leadDone).toBe(row.leadDone);
    expect(patch).toMatchObject({ spreadsheetId: 'ss-1', sheetId: 7, tabTitle: 'Agent A', rowId: 'L-5' });
    expect(patch.values).toContainEqual({ row: 5, col: 12, value: row.status });
    expect(patch.values).toContainEqual({ row: 5, col: 23, value: row.code });
    expect(patch.values).toContainEqual({ row: 5, col: 24, value: '2' });
    expect(patch.backgrounds).toEqual(row.purple.map((col) => ({ row: 5, col, color: SKIPPED_RGB })));
    if (row.code === 'CORRECT')
      expect(lead.numbers.slice(1, 3).map((n) => n.skipReason)).toEqual([
        'SIBLING_CORRECT',
        'SIBLING_CORRECT',
      ]);
    if (row.code === 'DO_NOT_CALL')
      expect(lead.numbers.slice(1, 3).map((n) => n.skipReason)).toEqual(['DO_NOT_CALL', 'DO_NOT_CALL']);
  });

  it('writes exactly the cells that changed, RAW strings, on the lead row', () => {
    const { patch } = dispose('WRONG');
    // Status1 IN_PROGRESS → WRONG, LastOutcome, AttemptCount 1 → 2, NextIndex 1 → 2 (1-based).
    expect(patch.values).toEqual([
      { row: 5, col: 12, value: 'WRONG' },
      { row: 5, col: 23, value: 'WRONG' },
      { row: 5, col: 24, value: '2' },
      { row: 5, col: 25, value: '2' },
    ]);
    expect(patch.backgrounds).toEqual([]);
  });

  it('leaves empty and malformed slots alone when skipping siblings', () => {
    const lead = makeLead({ rowNumber: 3, numbers: [{ status: 'IN_PROGRESS' }, { e164: null }, {}] });
    const { lead: after } = dispose('CORRECT', lead);
    expect(statuses(after).slice(0, 4)).toEqual(['CORRECT', 'NEW', 'SKIPPED', 'NEW']);
  });

  it('uses a campaign override of the retry delay, and no delay when delays are disabled', () => {
    const custom = buildCatalog([{ code: 'NO_ANSWER', retryDelayMinutes: 15 }]);
    const r = applyDisposition({
      lead: base(),
      numberIndex: 0,
      code: 'NO_ANSWER',
      now: NOW,
      rules,
      catalog: custom,
      tab: TAB,
    });
    expect(r.lead.numbers[0]?.retryAt).toBe(NOW + 15 * MIN);
    const off = dispose('NO_ANSWER', base(), { rules: { ...rules, retryDelaysEnabled: false } });
    expect(off.lead.numbers[0]?.retryAt).toBeNull();
  });
});

describe('applyDisposition: round robin NextIndex', () => {
  it('advances to the next open number after the dialed one, wrapping', () => {
    const lead = makeLead({
      numbers: [{}, { status: 'WRONG' }, {}, { status: 'IN_PROGRESS' }, { status: 'CORRECT', e164: null }],
      nextIndex: 3,
    });
    const { lead: after, patch } = dispose('NO_ANSWER', lead, { numberIndex: 3 });
    expect(after.nextIndex).toBe(0);
    expect(patch.values).toContainEqual({ row: 2, col: 25, value: '1' });
  });
  it('stays on the dialed number when it is the only one left open', () => {
    const lead = makeLead({ numbers: [{ status: 'WRONG' }, { status: 'IN_PROGRESS' }], nextIndex: 1 });
    const { lead: after, leadDone } = dispose('NO_ANSWER', lead, { numberIndex: 1 });
    expect(after.nextIndex).toBe(1);
    expect(leadDone).toBe(false);
  });
  it('finishes the lead when its last open number turns out wrong', () => {
    const lead = makeLead({ numbers: [{ status: 'WRONG' }, { status: 'IN_PROGRESS' }], nextIndex: 1 });
    expect(dispose('WRONG', lead, { numberIndex: 1 }).leadDone).toBe(true);
  });
});

describe('applyDisposition: max attempts', () => {
  it('turns every still-open number EXHAUSTED when AttemptCount reaches the max', () => {
    const lead = makeLead({
      numbers: [{ status: 'IN_PROGRESS' }, {}, { status: 'VOICEMAIL' }, { status: 'WRONG' }],
      attemptCount: 5,
    });
    const { lead: after, leadDone, patch } = dispose('NO_ANSWER', lead);
    expect(after.attemptCount).toBe(6);
    expect(statuses(after).slice(0, 4)).toEqual(['EXHAUSTED', 'EXHAUSTED', 'EXHAUSTED', 'WRONG']);
    expect(after.numbers[0]).toMatchObject({ skipReason: 'MAX_ATTEMPTS', retryAt: null });
    expect(after.lastOutcome).toBe('NO_ANSWER');
    expect(leadDone).toBe(true);
    expect(patch.backgrounds).toEqual([]);
  });
  it('does not exhaust one attempt early', () => {
    const lead = makeLead({ numbers: [{ status: 'IN_PROGRESS' }, {}], attemptCount: 4 });
    expect(statuses(dispose('NO_ANSWER', lead).lead).slice(0, 2)).toEqual(['NO_ANSWER', 'NEW']);
  });
  it('lets CORRECT on the last attempt win over EXHAUSTED for the siblings', () => {
    const lead = makeLead({ numbers: [{ status: 'IN_PROGRESS' }, {}], attemptCount: 5 });
    expect(statuses(dispose('CORRECT', lead).lead).slice(0, 2)).toEqual(['CORRECT', 'SKIPPED']);
  });
});

describe('applyDisposition: notes', () => {
  it('appends a timestamped line, keeping what a person wrote', () => {
    const lead = { ...base(), notes: 'VIP, be nice' };
    const { lead: after, patch } = dispose('WRONG', lead, { notes: '  asked for Bob  ' });
    expect(after.notes).toBe('VIP, be nice\n[2026-11-25 15:00Z] asked for Bob');
    expect(patch.values).toContainEqual({ row: 5, col: 22, value: after.notes });
  });
  it('does not touch Notes for an empty note', () => {
    const { patch } = dispose('WRONG', base(), { notes: '   ' });
    expect(patch.values.some((v) => v.col === 22)).toBe(false);
  });
  it('keeps the cell within the Sheets limit by dropping the oldest text', () => {
    const lead = { ...base(), notes: 'x'.repeat(50_000) };
    const { lead: after } = dispose('WRONG', lead, { notes: 'latest' });
    expect(after.notes).toHaveLength(50_000);
    expect(after.notes.endsWith('] latest')).toBe(true);
  });
});

describe('applyDisposition: refusals', () => {
  it.each<PhoneStatus>(['CORRECT', 'WRONG', 'SKIPPED', 'EXHAUSTED'])(
    'refuses a number that is %s',
    (status) => {
      const lead = makeLead({ numbers: [{ status }] });
      expect(() => dispose('NO_ANSWER', lead)).toThrow(DomainError);
      try {
        dispose('NO_ANSWER', lead);
      } catch (e) {
        expect((e as DomainError).code).toBe('NUMBER_NOT_DIALABLE');
      }
    },
  );
  it('refuses an empty slot and a slot that does not exist', () => {
    expect(() => dispose('NO_ANSWER', base(), { numberIndex: 5 })).toThrow(/number 6 is empty/);
    expect(() => dispose('NO_ANSWER', base(), { numberIndex: 10 })).toThrow(DomainError);
  });
  it('refuses a code missing from the catalog', () => {
    expect(() =>
      applyDisposition({
        lead: base(),
        numberIndex: 0,
        code: 'WRONG',
        now: NOW,
        rules,
        catalog: [],
        tab: TAB,
      }),
    ).toThrow(/not in the catalog/);
  });
  it('does not change the input lead', () => {
    const lead = base();
    const copy = structuredClone(lead);
    dispose('CORRECT', lead);
    expect(lead).toEqual(copy);
  });
});

describe('status transitions at dial time and on skip', () => {
  it.each<PhoneStatus>(['NEW', 'VOICEMAIL', 'NO_ANSWER'])(
    '%s → IN_PROGRESS → back to %s when the dial fails',
    (status) => {
      const lead = makeLead({ rowNumber: 9, numbers: [{ status, retryAt: 5 }] });
      const marked = markInProgress(lead, 0, TAB);
      expect(marked.lead.numbers[0]).toMatchObject({ status: 'IN_PROGRESS', retryAt: 5 });
      expect(marked.patch.values).toEqual([{ row: 9, col: 12, value: 'IN_PROGRESS' }]);
      const reverted = revertInProgress(marked.lead, 0, status, TAB);
      expect(reverted.lead).toEqual(lead);
      expect(reverted.patch.values).toEqual([{ row: 9, col: 12, value: status === 'NEW' ? '' : status }]);
    },
  );
  it.each<PhoneStatus>(['IN_PROGRESS', 'CORRECT', 'WRONG', 'SKIPPED', 'EXHAUSTED'])(
    'cannot dial a %s number',
    (status) => {
      expect(() => markInProgress(makeLead({ numbers: [{ status }] }), 0, TAB)).toThrow(DomainError);
    },
  );
  it('cannot revert a number that is not IN_PROGRESS, nor to a terminal status', () => {
    expect(() => revertInProgress(makeLead(), 0, 'NEW', TAB)).toThrow(/is NEW/);
    const marked = markInProgress(makeLead(), 0, TAB).lead;
    expect(() => revertInProgress(marked, 0, 'CORRECT', TAB)).toThrow(DomainError);
  });
  it('manual skip: SKIPPED (MANUAL_SKIP), purple, NextIndex advanced, AttemptCount and LastOutcome kept', () => {
    const lead = makeLead({
      rowNumber: 4,
      numbers: 3,
      attemptCount: 2,
      lastOutcome: 'NO_ANSWER',
      nextIndex: 1,
    });
    const {
      lead: after,
      patch,
      leadDone,
    } = applyManualSkip({ lead, numberIndex: 1, now: NOW, rules, tab: TAB });
    expect(after.numbers[1]).toMatchObject({ status: 'SKIPPED', skipReason: 'MANUAL_SKIP' });
    expect(after).toMatchObject({ attemptCount: 2, lastOutcome: 'NO_ANSWER', nextIndex: 2 });
    expect(leadDone).toBe(false);
    expect(patch.values).toEqual([
      { row: 4, col: 13, value: 'SKIPPED' },
      { row: 4, col: 25, value: '3' },
    ]);
    expect(patch.backgrounds).toEqual([{ row: 4, col: 13, color: SKIPPED_RGB }]);
  });
});

describe('suggestDisposition', () => {
  it.each([
    [{ connected: false, voicemail: false }, 'NO_ANSWER'],
    [{ connected: false, voicemail: true }, 'VM_OR_NA_UNKNOWN'],
    [{ connected: true, voicemail: true }, 'VM_OR_NA_UNKNOWN'],
    [{ connected: true, voicemail: false }, null],
  ])('%j → %s', (events, code) => {
    expect(suggestDisposition(events)).toBe(code);
  });
});

describe('the sheet after a patch reads back as the new lead', () => {
  it.each<DispositionCode>(['CORRECT', 'WRONG', 'NO_ANSWER', 'DO_NOT_CALL'])('%s', (code) => {
    const before = base();
    const { lead, patch } = dispose(code, before, { notes: 'n' });
    const cells = leadToCells(before);
    for (const v of patch.values) cells[v.col] = v.value;
    const empty = Array.from({ length: 3 }, () => [] as string[]);
    const read = parseAgentRows([[...AGENT_TAB_HEADER], ...empty, cells]).leads[0];
    // The sheet holds no retry times (Redis does); everything else must match.
    expect(read).toEqual({ ...lead, numbers: lead.numbers.map((n) => ({ ...n, retryAt: null })) });
  });
});
