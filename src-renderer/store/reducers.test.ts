// The store's rules, through its pure reducers: what the agent would see after each server message.
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src-shared/contracts/ipc';
import { callView, endedCall, leadPreview, sessionView, snapshot, statsView, T0 } from '../test/fixtures';
import { canAmend } from './amend';
import { receiptText } from './receipt';
import * as R from './reducers';

const dispoEntry = (callId: string, key = 'key-00000001'): OutboxEntry => ({
  idempotencyKey: key,
  route: 'disposition',
  body: { callId, code: 'NO_ANSWER' },
  createdAt: T0,
  attempts: 0,
});

describe('socket events', () => {
  it('SHOW_DISPO opens the modal with the suggested disposition', () => {
    const s = R.applyAgentEvent(
      R.applySnapshot(R.initialState(), snapshot()),
      11,
      {
        type: 'SHOW_DISPO',
        call: endedCall(),
        preview: leadPreview(),
      },
      T0,
    );
    expect(s.ui.dispo).toEqual({ callId: 'call-1', code: 'NO_ANSWER', notes: '', open: true });
    expect(s.call.call?.state).toBe('ENDED');
    expect(s.connection.lastSeq).toBe(11);
  });

  it('ignores an event whose seq was already processed (a replay after reconnect)', () => {
    const s0 = R.applySnapshot(R.initialState(), snapshot({ wsSeq: 20 }));
    const s1 = R.applyAgentEvent(s0, 20, { type: 'STATS', stats: statsView({ callsCompleted: 99 }) }, T0);
    expect(s1).toBe(s0);
    const s2 = R.applyAgentEvent(s0, 21, { type: 'STATS', stats: statsView({ callsCompleted: 99 }) }, T0);
    expect(s2.stats.stats?.callsCompleted).toBe(99);
  });

  it('a STATS event updates the numbers live (the call being dialed counts at once)', () => {
    const s0 = R.applySnapshot(R.initialState(), snapshot({ stats: statsView({ callsInitiated: 0 }) }));
    const s1 = R.applyAgentEvent(s0, 11, { type: 'STATS', stats: statsView({ callsInitiated: 1 }) }, T0);
    expect(s1.stats.stats?.callsInitiated).toBe(1);
    expect(s1.connection.lastSeq).toBe(11);
  });

  it('GET /stats after a reconnect never moves the numbers back behind what an event already showed', () => {
    const s0 = R.applyAgentEvent(
      R.applySnapshot(R.initialState(), snapshot()),
      11,
      { type: 'STATS', stats: statsView({ callsInitiated: 5, callsCompleted: 4, connects: 2 }) },
      T0,
    );
    const stale = R.applyFetchedStats(s0, statsView({ callsInitiated: 4, callsCompleted: 4, connects: 2 }));
    expect(stale.stats.stats?.callsInitiated).toBe(5);
    const newer = R.applyFetchedStats(s0, statsView({ callsInitiated: 6, callsCompleted: 5, connects: 2 }));
    expect(newer.stats.stats?.callsCompleted).toBe(5);
    expect(R.applyFetchedStats(R.initialState(), statsView()).stats.stats).toEqual(statsView());
  });

  it('never moves a call backwards when webhooks arrive out of order', () => {
    let s = R.applySnapshot(R.initialState(), snapshot());
    s = R.applyAgentEvent(
      s,
      11,
      { type: 'CALL_STATE', call: callView({ state: 'CONNECTED', connectedAt: T0 + 3000 }) },
      T0,
    );
    s = R.applyAgentEvent(s, 12, { type: 'CALL_STATE', call: callView({ state: 'RINGING' }) }, T0);
    expect(s.call.call?.state).toBe('CONNECTED');
  });

  it('drops a stale session version', () => {
    let s = R.applySnapshot(
      R.initialState(),
      snapshot({ session: sessionView({ version: 5, state: 'PLAY' }) }),
    );
    s = R.applyAgentEvent(
      s,
      11,
      { type: 'SESSION_STATE', session: sessionView({ version: 4, state: 'PAUSE' }) },
      T0,
    );
    expect(s.session.session?.state).toBe('PLAY');
    s = R.applyAgentEvent(
      s,
      12,
      { type: 'SESSION_STATE', session: sessionView({ version: 6, state: 'STOP' }) },
      T0,
    );
    expect(s.session.phase).toBe('ended');
  });

  it('an ERROR event becomes plain words', () => {
    const s = R.applyAgentEvent(
      R.initialState(),
      1,
      { type: 'ERROR', code: 'SHEET_HEADER_MISMATCH', message: 'column E is "Num 4"' },
      T0,
    );
    expect(s.ui.error?.title).toMatch(/wrong header/);
    expect(s.ui.error?.detail).toBe('column E is "Num 4"');
  });
});

describe('disposition and outbox', () => {
  const ended = () => R.applySnapshot(R.initialState(), snapshot({ call: endedCall() }));

  it('a snapshot with an ended call reopens the modal (after a reload)', () => {
    expect(ended().ui.dispo?.open).toBe(true);
  });

  it('1–6 pick, notes are kept, Esc hides without losing the choice', () => {
    let s = R.pickDispo(ended(), 'WRONG');
    s = R.setDispoNotes(s, 'gave another number');
    s = R.hideDispo(s);
    expect(s.ui.dispo).toEqual({
      callId: 'call-1',
      code: 'WRONG',
      notes: 'gave another number',
      open: false,
    });
    expect(R.showDispo(s).ui.dispo?.open).toBe(true);
  });

  it('confirm puts the disposition in the outbox and a replayed SHOW_DISPO never reopens the modal', () => {
    let s = R.confirmDispo(ended(), dispoEntry('call-1'), 'call-1');
    expect(s.ui.dispo).toBeNull();
    expect(s.outbox.entries).toHaveLength(1);
    s = R.applyAgentEvent(s, 11, { type: 'SHOW_DISPO', call: endedCall(), preview: null }, T0);
    expect(s.ui.dispo).toBeNull();
    // Still true once the entry was acknowledged and left the outbox.
    s = R.outboxAck(s, 'key-00000001');
    expect(s.outbox.entries).toHaveLength(0);
    s = R.applySnapshot(s, snapshot({ call: endedCall(), wsSeq: 12 }));
    expect(s.ui.dispo).toBeNull();
  });

  it('the same key is never queued twice; attempts are counted', () => {
    let s = R.outboxAdd(R.initialState(), dispoEntry('c'));
    s = R.outboxAdd(s, dispoEntry('c'));
    s = R.outboxAttempt(s, 'key-00000001');
    expect(s.outbox.entries).toEqual([{ ...dispoEntry('c'), attempts: 1 }]);
  });

  it('dispositions are always replayed; a dial only within the idempotency window', () => {
    const dial: OutboxEntry = { ...dispoEntry('x', 'key-dial-0001'), route: 'dial', body: {} };
    expect(R.isReplayable(dispoEntry('c'), T0 + 3_600_000)).toBe(true);
    expect(R.isReplayable(dial, T0 + 10_000)).toBe(true);
    expect(R.isReplayable(dial, T0 + 61_000)).toBe(false);
  });
});

describe('next steps', () => {
  it('a chained call replaces the lead card and the call', () => {
    const s = R.applyNextStep(R.applySnapshot(R.initialState(), snapshot()), {
      kind: 'call',
      call: callView({ callId: 'call-2', leadRowId: 'L2', startedAt: T0 + 20_000 }),
      preview: leadPreview('L2', 'Alan Turing'),
    });
    expect(s.call.call?.callId).toBe('call-2');
    expect(s.preview.lead?.lead.name).toBe('Alan Turing');
  });

  it('nothing to dial clears the lead and keeps the reasons', () => {
    const s = R.applyNextStep(R.applySnapshot(R.initialState(), snapshot()), {
      kind: 'nothing',
      nothing: { reasons: [{ reason: 'RETRY_PENDING', leads: 3 }], nextDialableAt: T0 + 60_000 },
    });
    expect(s.preview.lead).toBeNull();
    expect(s.preview.nothing?.reasons[0]?.leads).toBe(3);
  });
});

describe('local snapshot', () => {
  it('round-trips the screen, the picked code, the notes and the outbox', () => {
    let s = R.applySnapshot(R.initialState(), snapshot({ call: endedCall(), wsSeq: 14 }));
    s = R.setDispoNotes(R.pickDispo(s, 'VM_SAME_NAME'), 'left a message');
    s = R.outboxAdd(s, { ...dispoEntry('older-call', 'key-older-01') });
    const saved = R.toAppSnapshot(s, T0 + 5000, null);
    const restored = R.restoreAppSnapshot(R.initialState(), saved, T0 + 6000);
    expect(restored.ui.dispo).toEqual({
      callId: 'call-1',
      code: 'VM_SAME_NAME',
      notes: 'left a message',
      open: true,
    });
    expect(restored.outbox.entries.map((e) => e.idempotencyKey)).toEqual(['key-older-01']);
    expect(restored.connection.lastSeq).toBe(14);
    expect(restored.preview.lead?.lead.name).toBe('Grace Hopper');
  });

  it("rebuilds the receipt with its Change control from the server's last disposition (reload, restart)", () => {
    const last = {
      callId: 'call-0',
      code: 'CORRECT' as const,
      disposedAt: T0,
      leadRowId: 'L1',
      leadName: 'Aisha Chen',
      amendableUntil: T0 + 300_000,
      skipped: 2,
    };
    const withLast = snapshot({ session: sessionView({ lastDisposition: last }) });
    const reloaded = R.applySnapshot(R.initialState(), withLast);
    expect(reloaded.ui.receipt).toEqual({
      callId: 'call-0',
      leadName: 'Aisha Chen',
      label: 'Correct person',
      skipped: 2,
      code: 'CORRECT',
      amendableUntil: T0 + 300_000,
    });
    expect(receiptText(reloaded.ui.receipt!)).toBe('Aisha Chen → Correct person, 2 numbers skipped');
    expect(canAmend(reloaded.ui.receipt, T0 + 60_000)).toBe(true);
    // The desktop's snapshot carries the session view: a restart shows it too.
    const restored = R.restoreAppSnapshot(R.initialState(), R.toAppSnapshot(reloaded, T0, null), T0);
    expect(restored.ui.receipt?.callId).toBe('call-0');
    // None once the window passed (the server sends null); a receipt already on screen is kept.
    expect(R.applySnapshot(R.initialState(), snapshot()).ui.receipt).toBeNull();
    const changed = { ...reloaded, ui: { ...reloaded.ui, receipt: { ...reloaded.ui.receipt!, skipped: 1 } } };
    expect(R.applySnapshot(changed, withLast).ui.receipt?.skipped).toBe(1);
  });
});

describe('the lead card after a disposition while paused (issue 10)', () => {
  const paused = () =>
    R.applyAgentEvent(
      R.applySnapshot(R.initialState(), snapshot({ session: sessionView({ state: 'PAUSE' }) })),
      11,
      { type: 'SHOW_DISPO', call: endedCall(), preview: leadPreview() },
      T0,
    );

  it('confirming removes the disposed lead from the card and leaves a receipt', () => {
    const s = R.confirmDispo(paused(), dispoEntry('call-1'), 'call-1', {
      callId: 'call-1',
      leadName: 'Grace Hopper',
      label: 'No answer',
      skipped: 0,
    });
    expect(s.preview.lead).toBeNull();
    expect(s.call.call).toBeNull();
    expect(s.ui.receipt?.leadName).toBe('Grace Hopper');
  });

  it('the idle answer (paused) never brings the disposed lead back as next up', () => {
    const confirmed = R.confirmDispo(paused(), dispoEntry('call-1'), 'call-1');
    const s = R.applyNextStep(
      { ...confirmed, preview: { ...confirmed.preview, lead: leadPreview() } },
      { kind: 'idle', sessionState: 'PAUSE' },
    );
    expect(s.preview.lead).toBeNull();
  });

  it('pausing during a live call keeps that call and its lead on the card', () => {
    const live = R.applySnapshot(
      R.initialState(),
      snapshot({ call: callView({ state: 'RINGING' }), session: sessionView({ state: 'PLAY' }) }),
    );
    const s = R.applyNextStep(live, { kind: 'idle', sessionState: 'PAUSE' });
    expect(s.call.call?.callId).toBe('call-1');
    expect(s.preview.lead?.lead.rowId).toBe('L1');
  });
});

describe('notes typed during the call', () => {
  it('survive a reload mid-call and become the modal’s notes when the call ends', () => {
    const live = R.applySnapshot(R.initialState(), snapshot({ call: callView({ state: 'CONNECTED' }) }));
    const typed = R.setCallNotes(live, 'call-1', 'gatekeeper: ask for Dana');
    const restored = R.restoreAppSnapshot(R.initialState(), R.toAppSnapshot(typed, T0, null), T0);
    expect(restored.ui.callNotes).toEqual({ callId: 'call-1', text: 'gatekeeper: ask for Dana' });
    const ended = R.applyAgentEvent(
      restored,
      11,
      { type: 'SHOW_DISPO', call: endedCall(), preview: null },
      T0,
    );
    expect(ended.ui.dispo?.notes).toBe('gatekeeper: ask for Dana');
    const confirmed = R.confirmDispo(ended, dispoEntry('call-1'), 'call-1');
    expect(confirmed.ui.callNotes).toBeNull();
  });
});
