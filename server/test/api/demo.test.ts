// `npm run demo`: an agent can dial back to back (the Dialpad emulator's 5 calls/min per-user limit is
// lifted in the demo, and the banner says so); DEMO_DIALPAD_RATE_LIMIT brings a limit back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { type DemoStack, dialpadBannerLine, demoRateLimit, startDemoStack } from '../../src/demo.js';
import { hangUp, manualCalls, TestAgent } from './support/agent-client.js';

let stack: DemoStack;
beforeAll(async () => {
  stack = await startDemoStack({ port: 0, leadsPerAgent: 20, webDistDir: null, logLevel: 'silent' });
  await manualCalls(stack.dialpad.url);
});
afterAll(async () => {
  await stack?.stop();
});

const callOf = (n: NextStep) => {
  if (n.kind !== 'call') throw new Error(`expected a call, got ${JSON.stringify(n)}`);
  return n.call.callId;
};

describe('demo stack', () => {
  it('lets one agent place eight calls in a row within a minute (no 429 from the Dialpad emulator)', async () => {
    const agent = await new TestAgent(stack.agents[0]?.email ?? '', stack.baseUrl).login();
    await agent.ok('sessionStart');
    let id = callOf((await agent.ok('sessionState', { state: 'PLAY' })).next);
    for (let i = 1; i < 8; i++) {
      await hangUp(agent, stack.dialpad.url, id);
      id = callOf((await agent.ok('disposition', { callId: id, code: 'NO_ANSWER' })).next);
    }
    expect((await agent.ok('stats')).session?.callsInitiated).toBe(8);
    expect(stack.dialpad.state.requestLog.count('initiate_call')).toBe(8);
    await agent.ok('sessionState', { state: 'STOP' });
  });

  it('says so in the banner, and DEMO_DIALPAD_RATE_LIMIT restores a limit', () => {
    expect(dialpadBannerLine('http://x/', null)).toContain('limit is OFF in the demo');
    expect(dialpadBannerLine('http://x/', 5)).toContain('rate limit 5 calls/min');
    expect(demoRateLimit(undefined)).toBeNull();
    expect(demoRateLimit('off')).toBeNull();
    expect(demoRateLimit('5')).toBe(5);
    expect(() => demoRateLimit('fast')).toThrow(/DEMO_DIALPAD_RATE_LIMIT/);
  });
});
