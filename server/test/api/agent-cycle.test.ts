// The full agent cycle over real HTTP and the WebSocket, against real Redis and both emulators: login,
// start, PLAY (dial), the Dialpad emulator's signed hangup webhook, SHOW_DISPO on the socket, disposition
// with the chained dial in the same response, a second call ended as missed, PAUSE, disposition, STOP; then
// the sheet is checked in the Sheets emulator after a flush. Also: another agent cannot touch this session,
// and a bad body changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, startRedisServer } from '../../../test/support/redis-server.js';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { adminJson } from '../../../test/support/emulator-admin.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { stepOf } from '../../src/events/replay.js';
import { COL, endCall, isEvent, manualCalls, TestAgent, tabValues } from './support/agent-client.js';

let redis: RedisServerHandle;
let stack: DemoStack;
const ANA = 'ana@demo.turbodialer.example';
const BEN = 'ben@demo.turbodialer.example';

beforeAll(async () => {
  redis = await startRedisServer({ appendOnly: false });
  stack = await startDemoStack({
    redisUrl: redis.url,
    port: 0,
    leadsPerAgent: 40,
    webDistDir: null,
    logLevel: 'silent',
  });
  await manualCalls(stack.dialpad.url);
});
afterAll(async () => {
  await stack?.stop();
  await redis?.stop();
});

const callOf = (n: NextStep) => {
  if (n.kind !== 'call') throw new Error(`expected a call, got ${JSON.stringify(n)}`);
  return n;
};

describe('agent cycle', () => {
  it('start → play → hangup webhook → SHOW_DISPO → disposition (chained dial) → stop, sheet updated', async () => {
    const ana = await new TestAgent(ANA, stack.baseUrl).login();
    const snap = await ana.ok('sessionStart');
    expect(snap.session).toMatchObject({ agentEmail: ANA, state: 'PAUSE' });
    const socket = await ana.socket(snap.wsSeq);

    const played = await ana.ok('sessionState', { state: 'PLAY' });
    expect(played.session.state).toBe('PLAY');
    const first = played.next.kind === 'call' ? played.next : callOf(await ana.ok('dial', {}));
    const firstCallId = first.call.callId;
    expect(first.preview.lead.numbers[first.call.numberIndex]?.e164).toBe(first.call.phoneE164);
    // live stats: the dial is counted on the socket (the screen never polls for it)
    await socket.waitFor(
      isEvent('STATS', (e) => e.type === 'STATS' && e.stats.callsInitiated === 1),
      'STATS after the first dial',
    );

    await endCall(stack.dialpad.url, firstCallId, 'hangup');
    const dispo = await socket.waitFor(
      isEvent('SHOW_DISPO', (e) => e.type === 'SHOW_DISPO' && e.call.callId === firstCallId),
      'SHOW_DISPO',
    );
    expect(dispo.type === 'EVENT' && dispo.event.type === 'SHOW_DISPO' && dispo.event.call.state).toBe(
      'ENDED',
    );

    // a bad body is refused and changes nothing
    const bad = await ana.raw('disposition', { callId: firstCallId, code: 'MAYBE' });
    expect(bad.status).toBe(400);
    expect((await ana.ok('sessionCurrent')).call).toMatchObject({ callId: firstCallId, state: 'ENDED' });

    // another agent can neither dispose nor see this call
    const ben = await new TestAgent(BEN, stack.baseUrl).login();
    const foreign = await ben.raw('disposition', { callId: firstCallId, code: 'CORRECT' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const missing = await ben.raw('disposition', { callId: 'no-such-call', code: 'CORRECT' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'CALL_NOT_FOUND' } });
    expect((await ana.ok('sessionCurrent')).call).toMatchObject({ callId: firstCallId, state: 'ENDED' });

    // The chained call rings until the test ends it and never connects: it is ended below as 'missed'
    // and must come up with NO_ANSWER suggested. (With the suite's 'manual' plan it would connect 200 ms
    // after its dial; a 'missed' end after that is a connected call's, rightly suggested nothing.)
    await adminJson(stack.dialpad.url, '/__emulator/outcomes', {
      method: 'POST',
      body: JSON.stringify({ queue: ['missed'] }),
    });
    const d1Body = { callId: firstCallId, code: 'WRONG', notes: 'not them' };
    const d1 = await ana.ok('disposition', d1Body, { key: 'cycle-d1-key' });
    expect(d1).toMatchObject({ callId: firstCallId, code: 'WRONG' });
    expect(d1.queuedCells).toBeGreaterThan(0);
    const second = callOf(d1.next);
    expect(second.call.callId).not.toBe(firstCallId);
    // The disposition's own script kept its Idempotency-Key (with the chained call it answered): a retry
    // gets that very answer, the same key with another body is 422, and neither changes anything.
    const again = await ana.raw('disposition', d1Body, { key: 'cycle-d1-key' });
    expect([again.status, again.headers.get('idempotent-replayed'), again.body]).toEqual([200, 'true', d1]);
    const reused = await ana.raw('disposition', { ...d1Body, code: 'CORRECT' }, { key: 'cycle-d1-key' });
    expect([reused.status, reused.body]).toMatchObject([422, { error: { code: 'IDEMPOTENCY_KEY_REUSED' } }]);
    expect((await ana.ok('sessionCurrent')).call?.callId).toBe(second.call.callId);
    await socket.waitFor(
      isEvent(
        'STATS',
        (e) => e.type === 'STATS' && e.stats.callsCompleted === 1 && e.stats.dispositions.WRONG === 1,
      ),
      'STATS after the disposition',
    );
    await socket.waitFor(
      isEvent('STATS', (e) => e.type === 'STATS' && e.stats.callsInitiated === 2),
      'STATS after the chained dial',
    );

    // Explicit order: the ringing webhook is in before the test ends the call, and nothing connected it.
    await socket.waitFor(
      isEvent(
        'CALL_STATE',
        (e) => e.type === 'CALL_STATE' && e.call.callId === second.call.callId && e.call.state === 'RINGING',
      ),
      'second call RINGING',
    );
    await endCall(stack.dialpad.url, second.call.callId, 'missed');
    const dispo2 = await socket.waitFor(
      isEvent('SHOW_DISPO', (e) => e.type === 'SHOW_DISPO' && e.call.callId === second.call.callId),
      'second SHOW_DISPO',
    );
    expect(
      dispo2.type === 'EVENT' && dispo2.event.type === 'SHOW_DISPO' && dispo2.event.call.suggestedDisposition,
    ).toBe('NO_ANSWER');
    expect(
      dispo2.type === 'EVENT' && dispo2.event.type === 'SHOW_DISPO' && dispo2.event.call.connectedAt,
    ).toBe(null);
    await ana.ok('sessionState', { state: 'PAUSE' });
    const d2 = await ana.ok('disposition', { callId: second.call.callId, code: 'NO_ANSWER' });
    expect(d2.next.kind).not.toBe('call');
    const stopped = await ana.ok('sessionState', { state: 'STOP' });
    expect(stopped.session.state).toBe('STOP');

    const stats = await ana.ok('stats');
    expect(stats.agent.callsCompleted).toBeGreaterThanOrEqual(2);
    expect(stats.agent.dispositions.WRONG).toBeGreaterThanOrEqual(1);

    // the socket saw every event in order, no gaps
    const seqs = socket.seqs();
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Contiguous: the next event of a step, or the first of the next step (seq = step * 64 + i).
    const follows = (prev: number, s: number) => s === prev + 1 || s === (stepOf(prev) + 1) * 64;
    expect(seqs.every((s, i) => i === 0 || follows(seqs[i - 1] as number, s))).toBe(true);
    await socket.close();

    // the sheet, after the write-behind queue is flushed
    await stack.coordinator.flushSheets();
    const rows = await tabValues(stack.sheets.url, snap.session.spreadsheetId, snap.session.tabTitle);
    const row1 = rows[first.preview.lead.rowNumber - 1] ?? [];
    expect(row1[0]).toBe(first.preview.lead.rowId);
    expect(row1[COL.status(first.call.numberIndex)]).toBe('WRONG');
    expect(Number(row1[COL.attemptCount])).toBe(first.preview.lead.attemptCount + 1);
    const row2 = rows[second.preview.lead.rowNumber - 1] ?? [];
    expect(row2[COL.status(second.call.numberIndex)]).toBe('NO_ANSWER');
  });
});
