// Callback times and cells: lead-local wall clock ⇄ instants (DST included), the CallbackAt / CallbackAgent
// cells, the modal's quick choices, and the sheet columns read back by the codec.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amendDisposition, preDispositionOf } from './amend.js';
import { applyDisposition, applyManualSkip, markInProgress } from './apply.js';
import {
  CALLBACK_MAX_AHEAD_MS,
  callbackChoices,
  checkCallbackTime,
  formatCallbackAt,
  localDateTime,
  localToEpoch,
  parseCallbackAgent,
  parseCallbackAt,
} from './callback.js';
import { DEFAULT_CAMPAIGN_RULES } from './campaign.js';
import { DEFAULT_DISPOSITIONS } from './disposition.js';
import { DomainError } from './errors.js';
import { makeLead } from './lead-fixtures.js';
import { AGENT_TAB_HEADER, parseAgentRows } from './sheet-codec.js';

const NY = 'America/New_York';

describe('lead-local time', () => {
  it('converts a wall-clock time in a zone to the instant, in winter and summer', () => {
    expect(localToEpoch('2026-12-01', '10:00', NY)).toBe(Date.parse('2026-12-01T15:00:00Z'));
    expect(localToEpoch('2026-07-01', '10:00', NY)).toBe(Date.parse('2026-07-01T14:00:00Z'));
    expect(localToEpoch('2026-12-01', '10:00', 'Asia/Calcutta')).toBe(Date.parse('2026-12-01T04:30:00Z'));
    expect(localToEpoch('2026-02-30', '10:00', NY)).toBeNull();
    expect(localToEpoch('2026-12-01', '25:00', NY)).toBeNull();
  });

  it('reads a time skipped by spring-forward as after the jump, and a repeated one as the first', () => {
    // 2026-03-08 02:30 does not exist in New York (02:00 → 03:00).
    expect(localToEpoch('2026-03-08', '02:30', NY)).toBe(Date.parse('2026-03-08T07:30:00Z'));
    expect(localDateTime(Date.parse('2026-03-08T07:30:00Z'), NY).time).toBe('03:30');
    // 2026-11-01 01:30 happens twice (EDT, then EST): the first.
    expect(localToEpoch('2026-11-01', '01:30', NY)).toBe(Date.parse('2026-11-01T05:30:00Z'));
  });

  it('round-trips any instant through its lead-local date and time (property, several zones)', () => {
    const zones = [NY, 'Europe/London', 'Australia/Sydney', 'Pacific/Honolulu', 'America/Adak'];
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse('2026-01-01T00:00Z') / 60_000,
          max: Date.parse('2028-01-01T00:00Z') / 60_000,
        }),
        fc.constantFrom(...zones),
        (minute, zone) => {
          const at = minute * 60_000;
          const l = localDateTime(at, zone);
          const back = localToEpoch(l.date, l.time, zone);
          // Same wall clock; in a fall-back hour the first of the two instants.
          expect(back).not.toBeNull();
          expect(localDateTime(back ?? 0, zone)).toEqual(l);
          expect(back).toBeLessThanOrEqual(at);
          expect(at - (back ?? 0)).toBeLessThanOrEqual(3600_000);
          // The cell written for it reads back as the same instant.
          expect(parseCallbackAt(formatCallbackAt(at, zone))).toEqual({ ok: true, at });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the CallbackAt and CallbackAgent cells', () => {
  it('writes ISO 8601 with the lead’s offset', () => {
    expect(formatCallbackAt(Date.parse('2026-12-01T15:00:00Z'), NY)).toBe('2026-12-01T10:00:00-05:00');
    expect(formatCallbackAt(Date.parse('2026-12-01T04:30:00Z'), 'Asia/Calcutta')).toBe(
      '2026-12-01T10:00:00+05:30',
    );
  });

  it('reads what a person types when it has an offset, and refuses a time without one', () => {
    const at = Date.parse('2026-12-01T15:00:00Z');
    expect(parseCallbackAt('2026-12-01T10:00-05:00')).toEqual({ ok: true, at });
    expect(parseCallbackAt('2026-12-01 10:00 -0500')).toEqual({ ok: true, at });
    expect(parseCallbackAt('2026-12-01T15:00:00Z')).toEqual({ ok: true, at });
    expect(parseCallbackAt('  ')).toEqual({ ok: true, at: null });
    expect(parseCallbackAt('2026-12-01 10:00')).toMatchObject({ ok: false });
    expect(parseCallbackAt('tomorrow')).toMatchObject({ ok: false });
    expect(parseCallbackAgent(' Aisha@Example.com ')).toEqual({ ok: true, agent: 'aisha@example.com' });
    expect(parseCallbackAgent('')).toEqual({ ok: true, agent: null });
    expect(parseCallbackAgent('aisha')).toMatchObject({ ok: false });
  });

  it('is read back by the codec wherever the columns sit; a bad cell leaves the lead out, naming it', () => {
    const header = [...AGENT_TAB_HEADER, 'Company', 'CallbackAgent', 'CallbackAt'];
    const base = (id: string) => [id, 'N', '+12125550100', ...Array(23).fill('')];
    const { leads, rowErrors, callbackColumns } = parseAgentRows([
      header,
      [...base('A'), 'Acme', 'Bo@x.io', '2026-12-01T10:00:00-05:00'],
      [...base('B'), '', '', '2026-12-01T10:00:00Z'],
      [...base('C'), '', 'bo@x.io', ''],
      [...base('D'), '', '', '1 Dec 10am'],
    ]);
    expect(callbackColumns).toEqual({ at: 28, agent: 27 });
    expect(leads.map((l) => [l.rowId, l.callback ?? null])).toEqual([
      ['A', { at: Date.parse('2026-12-01T15:00:00Z'), agent: 'bo@x.io' }],
      ['B', { at: Date.parse('2026-12-01T10:00:00Z'), agent: null }],
      ['C', null],
    ]);
    expect(leads[0]?.extra).toEqual([{ header: 'Company', value: 'Acme' }]);
    expect(rowErrors).toEqual([expect.objectContaining({ row: 5, column: 'AC', leadSkipped: true })]);
    expect(parseAgentRows([[...AGENT_TAB_HEADER, 'CallbackAt']]).callbackColumns).toBeNull();
  });
});

describe('scheduling rules', () => {
  const now = Date.parse('2026-11-27T15:20:00Z'); // Friday 10:20 in New York

  it('offers in 1 hour, in 3 hours, tomorrow 10:00 and 15:00 and Monday 10:00, lead-local', () => {
    const choices = callbackChoices(now, NY);
    expect(choices.map((c) => [c.label, new Date(c.at).toISOString()])).toEqual([
      ['In 1 hour', '2026-11-27T16:20:00.000Z'],
      ['In 3 hours', '2026-11-27T18:20:00.000Z'],
      ['Tomorrow 10:00', '2026-11-28T15:00:00.000Z'],
      ['Tomorrow 15:00', '2026-11-28T20:00:00.000Z'],
      ['Mon 10:00', '2026-11-30T15:00:00.000Z'],
    ]);
    // The same choices for a lead in Sydney are its own 10:00.
    const sydney = callbackChoices(now, 'Australia/Sydney').find((c) => c.label === 'Tomorrow 10:00');
    expect(localDateTime(sydney?.at ?? 0, 'Australia/Sydney')).toMatchObject({ time: '10:00' });
  });

  it('refuses a time in the past or more than a year ahead', () => {
    expect(() => checkCallbackTime(now, now)).toThrow(DomainError);
    expect(() => checkCallbackTime(now + CALLBACK_MAX_AHEAD_MS + 1, now)).toThrow(/a year/);
    expect(() => checkCallbackTime(now + 60_000, now)).not.toThrow();
  });
});

describe('callbacks through dispositions and skips', () => {
  const TAB = { spreadsheetId: 's', sheetId: 0, tabTitle: 'T', callbackColumns: { at: 27, agent: 28 } };
  const now = Date.parse('2026-11-27T15:20:00Z');
  const at = Date.parse('2026-11-28T15:00:00Z');
  const dispose = (
    lead: ReturnType<typeof makeLead>,
    code: 'CORRECT' | 'NO_ANSWER',
    callback: { at: number; agent: string | null; zone?: string } | null,
  ) =>
    applyDisposition({
      lead: markInProgress(lead, 0, TAB).lead,
      numberIndex: 0,
      code,
      now,
      rules: DEFAULT_CAMPAIGN_RULES,
      catalog: DEFAULT_DISPOSITIONS,
      tab: TAB,
      callback,
    });

  it('a disposition with a callback writes both cells in the same patch, lead-local', () => {
    const r = dispose(makeLead({ numbers: 2 }), 'CORRECT', { at, agent: 'bo@x.io', zone: NY });
    expect(r.lead.callback).toEqual({ at, agent: 'bo@x.io', zone: NY });
    expect(r.patch.values.filter((v) => v.col >= 26)).toEqual([
      { row: 2, col: 27, value: '2026-11-28T10:00:00-05:00', header: 'CallbackAt' },
      { row: 2, col: 28, value: 'bo@x.io', header: 'CallbackAgent' },
    ]);
  });

  it('the next disposition of the lead ends the callback and clears the cells', () => {
    const first = dispose(makeLead({ numbers: 2 }), 'CORRECT', { at, agent: 'bo@x.io' }).lead;
    const again = dispose(first, 'NO_ANSWER', null);
    expect(again.lead.callback).toBeNull();
    expect(again.patch.values.filter((v) => v.col >= 26).map((v) => v.value)).toEqual(['', '']);
  });

  it('writes nothing after Z on a tab without the columns', () => {
    const r = applyDisposition({
      lead: markInProgress(makeLead({ numbers: 2 }), 0, TAB).lead,
      numberIndex: 0,
      code: 'NO_ANSWER',
      now,
      rules: DEFAULT_CAMPAIGN_RULES,
      catalog: DEFAULT_DISPOSITIONS,
      tab: { spreadsheetId: 's', sheetId: 0, tabTitle: 'T' },
      callback: { at, agent: null },
    });
    expect(r.patch.values.every((v) => v.col < 26)).toBe(true);
  });

  it('skipping a callback on the CORRECT number cancels the callback and keeps the number', () => {
    const lead = { ...makeLead({ numbers: [{ status: 'CORRECT' }] }), callback: { at, agent: null } };
    const r = applyManualSkip({ lead, numberIndex: 0, now, rules: DEFAULT_CAMPAIGN_RULES, tab: TAB });
    expect(r.lead.numbers[0]?.status).toBe('CORRECT');
    expect(r.lead.callback).toBeNull();
    expect(r.patch.values.map((v) => v.col)).toEqual([27, 28]);
  });
});

describe('a callback across a change of the last disposition', () => {
  const TAB = { spreadsheetId: 's', sheetId: 0, tabTitle: 'T', callbackColumns: { at: 27, agent: 28 } };
  const now = Date.parse('2026-11-27T15:20:00Z');
  const cb = { at: Date.parse('2026-11-28T15:00:00Z'), agent: 'bo@x.io', slot: 0 };
  const before = markInProgress(makeLead({ numbers: 2 }), 0, TAB).lead;
  const disposed = applyDisposition({
    lead: before,
    numberIndex: 0,
    code: 'NO_ANSWER',
    now,
    rules: DEFAULT_CAMPAIGN_RULES,
    catalog: DEFAULT_DISPOSITIONS,
    tab: TAB,
    callback: cb,
  }).lead;
  const amend = (to: 'CORRECT' | 'DO_NOT_CALL') =>
    amendDisposition({
      current: disposed,
      pre: preDispositionOf(before, cb),
      numberIndex: 0,
      from: 'NO_ANSWER',
      to,
      disposedAt: now,
      rules: DEFAULT_CAMPAIGN_RULES,
      catalog: DEFAULT_DISPOSITIONS,
      tab: TAB,
    });

  it('stays when the code is corrected (no callback cell rewritten), and goes with do-not-call', () => {
    const right = amend('CORRECT');
    expect(right.lead.callback).toEqual(cb);
    expect(right.patch.values.some((v) => v.col >= 26)).toBe(false);
    const dnc = amend('DO_NOT_CALL');
    expect(dnc.lead.callback).toBeNull();
    expect(dnc.patch.values.filter((v) => v.col >= 26).map((v) => v.value)).toEqual(['', '']);
  });
});
