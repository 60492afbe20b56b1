// One disposition, one audit line, one count (issue 9 item 9). The client's outbox may replay a disposition
// after the 60 s idempotency window (a new request, no stored response to replay): the coordinator answers
// with the saved disposition (`alreadySaved`) and the current next step, but neither audits nor counts it
// again. Whole coordinator (its own Redis, both emulators), log lines captured from its real logger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { createLogger } from '../../src/logger.js';
import { hangUp, manualCalls, TestAgent } from '../api/support/agent-client.js';

let stack: DemoStack;
const lines: Record<string, unknown>[] = [];
const ANA = 'ana@demo.turbodialer.example';

beforeAll(async () => {
  stack = await startDemoStack({
    port: 0,
    leadsPerAgent: 10,
    webDistDir: null,
    logger: createLogger({ level: 'info', destination: { write: (s: string) => lines.push(JSON.parse(s)) } }),
  });
  await manualCalls(stack.dialpad.url);
});
afterAll(async () => {
  await stack?.stop();
});

async function metric(series: string): Promise<number> {
  const text = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('disposition effects', () => {
  it('audits and counts a disposition once, even when it is sent again after the idempotency window', async () => {
    const ana = await new TestAgent(ANA, stack.baseUrl).login();
    await ana.ok('sessionStart');
    await ana.ok('sessionState', { state: 'PAUSE' });
    const play = await ana.ok('sessionState', { state: 'PLAY' });
    if (play.next.kind !== 'call') throw new Error('expected a call');
    const { callId } = play.next.call;
    await hangUp(ana, stack.dialpad.url, callId);
    await ana.ok('sessionState', { state: 'PAUSE' }); // no chained dial: the next step stays the same

    const first = await ana.ok('disposition', { callId, code: 'WRONG' }, { key: 'effects-first-0001' });
    expect(first.alreadySaved).toBeUndefined();
    // The outbox's replay after the window: a request the idempotency store no longer remembers.
    const replay = await ana.ok('disposition', { callId, code: 'WRONG' }, { key: 'effects-replay-001' });
    expect(replay).toMatchObject({ callId, code: 'WRONG', queuedCells: 0, alreadySaved: true });

    expect(await metric('dialer_dispositions_total{code="WRONG"}')).toBe(1);
    expect(await metric('dialer_calls_completed_total')).toBe(1);
    const audits = lines.filter((l) => l.audit === 'disposition' && l.callId === callId);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      agent: ANA,
      code: 'WRONG',
      next: 'idle',
      queuedCells: first.queuedCells,
    });
  });
});
