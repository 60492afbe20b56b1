// POST /disposition/amend over the real wire (whole coordinator, its own Redis, both emulators): the
// Idempotency-Key replays the stored answer, a change is audited once, a refusal is a 409 with its code and
// changes nothing, bad input is a 400, and the session view names the window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBodySchema } from '../../../src-shared/contracts/errors.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { createLogger } from '../../src/logger.js';
import { hangUp, manualCalls, TestAgent } from './support/agent-client.js';

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

describe('POST /disposition/amend', () => {
  it('changes the last disposition once per key, audits it once, and refuses what it must with a 409', async () => {
    const ana = await new TestAgent(ANA, stack.baseUrl).login();
    const start = await ana.ok('sessionStart');
    expect(start.session.amendWindowSeconds).toBe(300);
    await ana.ok('sessionState', { state: 'PAUSE' });
    const play = await ana.ok('sessionState', { state: 'PLAY' });
    if (play.next.kind !== 'call') throw new Error('expected a call');
    const { callId } = play.next.call;
    await hangUp(ana, stack.dialpad.url, callId);
    await ana.ok('sessionState', { state: 'PAUSE' });
    await ana.ok('disposition', { callId, code: 'NO_ANSWER' });

    const bad = await ana.raw('amendDisposition', { callId, code: 'MAYBE' });
    expect(bad.status).toBe(400);

    const first = await ana.ok('amendDisposition', { callId, code: 'WRONG' }, { key: 'amend-key-00001' });
    expect(first).toMatchObject({ callId, code: 'WRONG', previousCode: 'NO_ANSWER' });
    const replay = await ana.raw('amendDisposition', { callId, code: 'WRONG' }, { key: 'amend-key-00001' });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first);
    // The same key with another body is refused (the guard's 422), nothing applied.
    const reused = await ana.raw('amendDisposition', { callId, code: 'CORRECT' }, { key: 'amend-key-00001' });
    expect(reused.status).toBe(422);

    const audits = lines.filter((l) => l.audit === 'disposition-change' && l.callId === callId);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ agent: ANA, from: 'NO_ANSWER', to: 'WRONG' });
    const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/dialer_disposition_changes_total\{from="NO_ANSWER",to="WRONG"\} 1\n/);

    // Another agent's call: 403, and nothing changed.
    const ben = await new TestAgent('ben@demo.turbodialer.example', stack.baseUrl).login();
    const foreign = await ben.raw('amendDisposition', { callId, code: 'CORRECT' });
    expect(foreign.status).toBe(403);
    const stats = await ana.ok('stats');
    expect(stats.session?.dispositions).toMatchObject({ NO_ANSWER: 0, WRONG: 1, CORRECT: 0 });

    // A call that is not disposed: 409 with the code in the body.
    const next = await ana.ok('sessionState', { state: 'PLAY' });
    const live = next.next.kind === 'call' ? next.next.call.callId : null;
    if (!live) throw new Error('expected a second call');
    const refused = await ana.raw('amendDisposition', { callId: live, code: 'CORRECT' });
    expect(refused.status).toBe(409);
    expect(ApiErrorBodySchema.parse(refused.body).error.code).toBe('INVALID_STATE');
  });
});
