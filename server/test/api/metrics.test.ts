// /metrics against the whole coordinator (its own throw-away Redis, both emulators): the seed's metrics are all
// served, and the Sheets write-behind flusher's metrics move when it writes (cells, patches, queue depth)
// and when Google fails (failures by kind). Counters are compared before/after (the background flusher may
// run at any time), never against timing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NextStep } from '../../../src-shared/contracts/views.js';
import { type DemoStack, startDemoStack } from '../../src/demo.js';
import { hangUp as hangUpAt, manualCalls, TestAgent } from './support/agent-client.js';

let stack: DemoStack;
const ANA = 'ana@demo.turbodialer.example';

beforeAll(async () => {
  stack = await startDemoStack({ port: 0, leadsPerAgent: 20, webDistDir: null, logLevel: 'silent' });
  await manualCalls(stack.dialpad.url);
});
afterAll(async () => {
  await stack?.stop();
});

async function scrape(): Promise<string> {
  const r = await fetch(`${stack.baseUrl}/metrics`);
  expect(r.status).toBe(200);
  return r.text();
}

/** The value of one series (`name{labels}`), or NaN when absent. */
function value(text: string, name: string, labels = ''): number {
  const series = labels ? `${name}{${labels}}` : name;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : Number.NaN;
}

const hangUp = (agent: TestAgent, id: string) => hangUpAt(agent, stack.dialpad.url, id);

const callId = (n: NextStep) => {
  if (n.kind !== 'call') throw new Error(`expected a call, got ${n.kind}`);
  return n.call.callId;
};

describe('/metrics', () => {
  it('serves every metric of the seed', async () => {
    const text = await scrape();
    for (const name of [
      'dialer_calls_initiated_total',
      'dialer_calls_completed_total',
      'dialer_dispositions_total',
      'dialer_success_rate',
      'dialer_http_request_duration_seconds',
      'dialer_http_errors_total',
      'dialer_ws_connections',
      'dialer_sheets_queue_depth',
      'dialer_sheets_quota_used',
      'dialer_circuit_state',
      'dialer_sheets_flushed_cells_total',
      'dialer_sheets_flushed_patches_total',
      'dialer_sheets_flush_failures_total',
      'dialer_sheets_dead_lettered_total',
      'dialer_dispositions_not_written_total',
    ])
      expect(text, name).toContain(`# TYPE ${name} `);
  });

  it('counts calls and dispositions, and the flusher metrics move with a flush and with a Sheets outage', async () => {
    const ana = await new TestAgent(ANA, stack.baseUrl).login();
    await ana.ok('sessionStart');
    const first = callId((await ana.ok('sessionState', { state: 'PLAY' })).next);
    // PLAY again while the call is live: the same call, not a new one
    await ana.ok('sessionState', { state: 'PAUSE' });
    await ana.ok('sessionState', { state: 'PLAY' });
    const m0 = await scrape();
    expect(value(m0, 'dialer_calls_initiated_total')).toBe(1);
    const patches0 = value(m0, 'dialer_sheets_flushed_patches_total');
    const cells0 = value(m0, 'dialer_sheets_flushed_cells_total', 'kind="values"');

    await hangUp(ana, first);
    const d1 = await ana.ok('disposition', { callId: first, code: 'WRONG' });
    await stack.coordinator.flushSheets();
    const m1 = await scrape();
    expect(value(m1, 'dialer_calls_completed_total')).toBe(1);
    expect(value(m1, 'dialer_dispositions_total', 'code="WRONG"')).toBe(1);
    expect(value(m1, 'dialer_calls_initiated_total')).toBe(2); // the chained dial
    expect(value(m1, 'dialer_sheets_flushed_patches_total')).toBeGreaterThan(patches0);
    expect(value(m1, 'dialer_sheets_flushed_cells_total', 'kind="values"')).toBeGreaterThan(cells0);
    expect(value(m1, 'dialer_sheets_queue_depth')).toBe(0);

    // Google answers 503: the failure is counted by kind, the patch stays queued
    const failed0 = value(m1, 'dialer_sheets_flush_failures_total', 'kind="unavailable"');
    stack.sheets.state.addFault({ route: 'spreadsheets.batchUpdate', status: 503 });
    try {
      await ana.ok('sessionState', { state: 'PAUSE' });
      await hangUp(ana, callId(d1.next));
      await ana.ok('disposition', { callId: callId(d1.next), code: 'NO_ANSWER' });
      const deadline = Date.now() + 20_000;
      let m2 = await scrape();
      while (value(m2, 'dialer_sheets_flush_failures_total', 'kind="unavailable"') <= failed0) {
        if (Date.now() > deadline) throw new Error('no flush failure counted');
        await stack.coordinator.flushSheets().catch(() => undefined);
        m2 = await scrape();
      }
      expect(value(m2, 'dialer_sheets_queue_depth')).toBeGreaterThan(0);
    } finally {
      stack.sheets.state.clearFaults();
    }
  });
});
