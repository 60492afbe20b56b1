// The call log (issue 11): every finished call is appended to a `Call log` tab of the agent's spreadsheet,
// created when missing, in the same flushes as the dispositions' cells (no request of its own), as text,
// the number masked to its last 4 digits, never twice. Real DialerService, Redis, the Sheets emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_LOG_HEADER, CALL_LOG_TAB } from '../../../src-shared/domain/call-log.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { AGENT_SS, ANN, phoneOf, startWorld, TAB_ID, type World } from '../service/world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

function callOf(next: NextStep) {
  if (next.kind !== 'call') throw new Error(`expected a call, got ${next.kind}`);
  return next;
}

describe('the call log', () => {
  it('appends one row per finished call, masked, in the existing flushes, and never twice', async () => {
    const { service } = world.makeService();
    const now = Date.now();
    await service.startSession(ANN, now);
    const first = callOf((await service.setSessionState(ANN, 'PLAY', now)).next);
    const r1 = await service.dispose(
      ANN,
      { callId: first.call.callId, code: 'NO_ANSWER', notes: 'rang out' },
      now,
    );
    const second = callOf(r1.next);
    await service.setSessionState(ANN, 'STOP', now);
    await service.dispose(ANN, { callId: second.call.callId, code: 'WRONG' }, now);

    world.sheetsEm.state.requestLog.clear();
    await world.flush();
    // the log rode in the dispositions' write: one read (tab titles, once) + one re-check read + one write
    expect(world.sheetsEm.state.requestLog.count('spreadsheets.batchUpdate')).toBe(1);

    const log = world.sheetsEm.state.getValues(AGENT_SS, CALL_LOG_TAB);
    expect(log[0]).toEqual([...CALL_LOG_HEADER]);
    expect(log).toHaveLength(3);
    const byCall = new Map(log.slice(1).map((r) => [r[8], r]));
    const row1 = byCall.get(first.call.callId);
    expect(row1?.slice(1, 8)).toEqual([
      ANN.email,
      expect.any(String),
      first.preview.lead.rowId,
      `***${first.call.phoneE164.slice(-4)}`,
      '0',
      'NO_ANSWER',
      'rang out',
    ]);
    expect(byCall.get(second.call.callId)?.[6]).toBe('WRONG');
    // no number in clear anywhere in the tab
    const text = JSON.stringify(log);
    expect(text).not.toContain(first.call.phoneE164);
    expect(text).not.toContain(phoneOf(1).slice(2));

    // The same call queued again (as after a write whose answer was lost): not written twice.
    const queue = new RedisPatchQueue(world.connect());
    const dead = first.preview.lead.rowId;
    await queue.enqueue(
      {
        spreadsheetId: AGENT_SS,
        sheetId: TAB_ID,
        tabTitle: 'ignored',
        rowId: dead,
        values: [],
        backgrounds: [],
        callLog: {
          callId: first.call.callId,
          at: now,
          agent: ANN.email,
          campaign: 'x',
          rowId: dead,
          numberLast4: '0000',
          durationS: 1,
          disposition: 'NO_ANSWER',
          notes: '',
        },
      },
      now,
    );
    await world.flush();
    expect(world.sheetsEm.state.getValues(AGENT_SS, CALL_LOG_TAB)).toHaveLength(3);
  });
});
