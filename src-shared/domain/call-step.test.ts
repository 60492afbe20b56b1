import { describe, expect, it } from 'vitest';
import { type CallProgress, decideCallStep } from './call-step.js';

const dialing: CallProgress = {
  state: 'DIALING',
  ringingAt: null,
  connectedAt: null,
  endedAt: null,
  endReason: null,
  suggested: null,
  timeoutAt: 60_000,
  dialpadCallId: null,
};
const suggest = { connected: 'VM_SAME_NAME', notConnected: 'NO_ANSWER' } as const;

describe('decideCallStep', () => {
  it('moves forward only, setting each timestamp and id once', () => {
    const r = decideCallStep(dialing, {
      state: 'RINGING',
      fields: { ringingAt: 5, dialpadCallId: 'd1' },
      now: 5,
    });
    expect(r).toEqual({
      kind: 'advance',
      set: { state: 'RINGING', ringingAt: 5, dialpadCallId: 'd1' },
      next: { ...dialing, state: 'RINGING', ringingAt: 5, dialpadCallId: 'd1' },
      timeouts: null,
    });
    if (r.kind !== 'advance') throw new Error('advance expected');
    const ended = decideCallStep(r.next, {
      state: 'ENDED',
      fields: { ringingAt: 99, endedAt: 9, endReason: 'HANGUP', dialpadCallId: 'd2' },
      suggest,
      now: 9,
    });
    expect(ended.kind === 'advance' && ended.set).toEqual({
      state: 'ENDED',
      endedAt: 9,
      endReason: 'HANGUP',
      suggested: 'NO_ANSWER', // never connected
    });
    expect(decideCallStep(r.next, { state: 'RINGING', fields: { ringingAt: 7 }, now: 7 })).toEqual({
      kind: 'stay',
      timeouts: null,
    });
  });

  it('moves the deadline on CONNECTED, suggests by the connect, never moves a failed dial', () => {
    const c = decideCallStep(dialing, {
      state: 'CONNECTED',
      fields: { connectedAt: 10 },
      connectedTimeoutMs: 100,
      now: 12,
    });
    expect(c.kind === 'advance' && c.next.timeoutAt).toBe(110);
    if (c.kind !== 'advance') throw new Error('advance expected');
    const e = decideCallStep(c.next, { state: 'ENDED', fields: { endedAt: 20 }, suggest, now: 20 });
    expect(e.kind === 'advance' && e.next.suggested).toBe('VM_SAME_NAME');
    const failed: CallProgress = { ...dialing, state: 'ENDED', endReason: 'DIAL_FAILED' };
    expect(
      decideCallStep({ ...failed, state: 'DIALING' }, { state: 'RINGING', fields: {}, now: 1 }).kind,
    ).toBe('stay');
  });

  it('sweeps: drops an ended call, re-files a moved deadline, ends a due one', () => {
    const sweep = {
      state: 'ENDED' as const,
      fields: { endedAt: 70_000, endReason: 'TIMEOUT' as const },
      sweep: true,
    };
    expect(decideCallStep({ ...dialing, state: 'ENDED' }, { ...sweep, now: 70_000 })).toEqual({
      kind: 'stay',
      timeouts: 'rem',
    });
    expect(
      decideCallStep({ ...dialing, state: 'CONNECTED', timeoutAt: 90_000 }, { ...sweep, now: 70_000 }),
    ).toEqual({
      kind: 'stay',
      timeouts: { refile: 90_000 },
    });
    const due = decideCallStep(dialing, { ...sweep, suggest, now: 70_000 });
    expect(due.kind === 'advance' && [due.next.state, due.next.endReason, due.timeouts]).toEqual([
      'ENDED',
      'TIMEOUT',
      'rem',
    ]);
  });

  it('a confirmation deadline ends only a call Dialpad has not reported: a ringing one stays', () => {
    const confirm = {
      state: 'ENDED' as const,
      fields: { endedAt: 70_000, endReason: 'TIMEOUT' as const },
      suggest,
      unconfirmedOnly: true,
      now: 70_000,
    };
    const ended = decideCallStep(dialing, confirm);
    expect(
      ended.kind === 'advance' && [ended.next.state, ended.next.endReason, ended.next.suggested],
    ).toEqual(['ENDED', 'TIMEOUT', 'NO_ANSWER']);
    const ringing = { ...dialing, state: 'RINGING' as const, ringingAt: 65_000, dialpadCallId: '77' };
    expect(decideCallStep(ringing, confirm)).toEqual({ kind: 'stay', timeouts: null });
    expect(decideCallStep({ ...ringing, state: 'CONNECTED' }, confirm)).toEqual({
      kind: 'stay',
      timeouts: null,
    });
  });
});
