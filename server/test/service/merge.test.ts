// The merge rule between the sheet and the Redis overlay (service/merge.ts): our unflushed writes win,
// a person's edit wins once our write reached the sheet, retry timing stays unless the status changed.
import { describe, expect, it } from 'vitest';
import { makeLead } from '../../../src-shared/domain/lead-fixtures.js';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import { mergeLead, ownedOf } from '../../src/service/merge.js';
import type { LeadOverlay } from '../../src/store/types.js';

const READ_AT = 1_000_000;
const RETRY_AT = READ_AT + 3_600_000;

/** Overlay: number 1 got NO_ANSWER (retry pending), one attempt, a note. */
function overlay(updatedAt: number): LeadOverlay {
  const lead = makeLead({ rowId: 'L2', numbers: [{ status: 'NO_ANSWER', retryAt: RETRY_AT }, {}] });
  return {
    rowId: 'L2',
    version: 3,
    updatedAt,
    claim: null,
    state: { ...ownedOf(lead), attemptCount: 1, lastOutcome: 'NO_ANSWER', notes: 'ours', nextIndex: 1 },
  };
}

const sheet = (status: 'NEW' | 'NO_ANSWER' | 'WRONG' = 'NEW', notes = '') =>
  makeLead({ rowId: 'L2', numbers: [{ status }, {}], notes });

describe('mergeLead', () => {
  it('keeps the sheet as is when the dialer never wrote the lead', () => {
    expect(mergeLead(sheet(), null, { readStartedAt: READ_AT, unflushed: new Set() })).toEqual(sheet());
  });

  it('lets an overlay written after the read began win every owned cell', () => {
    const m = mergeLead(sheet('NEW', 'person'), overlay(READ_AT + 1), {
      readStartedAt: READ_AT,
      unflushed: new Set(),
    });
    expect(m.numbers[0]).toMatchObject({ status: 'NO_ANSWER', retryAt: RETRY_AT });
    expect([m.attemptCount, m.lastOutcome, m.notes, m.nextIndex]).toEqual([1, 'NO_ANSWER', 'ours', 1]);
  });

  it('lets cells still in the write-behind queue win, and the sheet win the others', () => {
    const unflushed = new Set([AGENT_COL.status(0), AGENT_COL.attemptCount]);
    const m = mergeLead(sheet('NEW', 'person'), overlay(READ_AT - 1), { readStartedAt: READ_AT, unflushed });
    expect(m.numbers[0]).toMatchObject({ status: 'NO_ANSWER', retryAt: RETRY_AT });
    expect(m.attemptCount).toBe(1);
    expect(m.notes).toBe('person'); // flushed before the read: a person's later edit is the truth
  });

  it('honours a person’s status edit after our write was flushed, and drops the retry with it', () => {
    const m = mergeLead(sheet('WRONG'), overlay(READ_AT - 1), {
      readStartedAt: READ_AT,
      unflushed: new Set(),
    });
    expect(m.numbers[0]).toMatchObject({ status: 'WRONG', retryAt: null });
  });

  it('keeps the retry time when the sheet shows the status we wrote (the delay lives only in Redis)', () => {
    const m = mergeLead(sheet('NO_ANSWER'), overlay(READ_AT - 1), {
      readStartedAt: READ_AT,
      unflushed: new Set(),
    });
    expect(m.numbers[0]).toMatchObject({ status: 'NO_ANSWER', retryAt: RETRY_AT });
  });
});

describe('mergeLead: the callback (CallbackAt + CallbackAgent, columns after Z)', () => {
  const cb = { at: RETRY_AT, agent: 'ann@example.com', zone: 'America/New_York' };
  const withCb = (updatedAt: number): LeadOverlay => {
    const o = overlay(updatedAt);
    return { ...o, state: { ...o.state, callback: cb } };
  };

  it('keeps our callback while its cells are unflushed, or when written after the read began', () => {
    expect(
      mergeLead(sheet(), withCb(READ_AT - 1), { readStartedAt: READ_AT, unflushed: new Set([27]) }).callback,
    ).toEqual(cb);
    expect(
      mergeLead(sheet(), withCb(READ_AT + 1), { readStartedAt: READ_AT, unflushed: new Set() }).callback,
    ).toEqual(cb);
  });

  it('honours a person who cleared or changed the cells after our write was flushed', () => {
    const cleared = mergeLead(sheet(), withCb(READ_AT - 1), { readStartedAt: READ_AT, unflushed: new Set() });
    expect(cleared.callback).toBeNull();
    const moved = { ...sheet(), callback: { at: RETRY_AT + 60_000, agent: null } };
    expect(
      mergeLead(moved, withCb(READ_AT - 1), { readStartedAt: READ_AT, unflushed: new Set() }).callback,
    ).toEqual({
      at: RETRY_AT + 60_000,
      agent: null,
    });
  });
});
