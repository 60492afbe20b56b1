// Bad input, bounded fuzz (fast-check, fixed seed): ≥ 10,000 HTTP requests over every route, the Dialpad
// webhook and unknown paths (method, Authorization, Content-Type, Content-Encoding, Idempotency-Key,
// X-Request-Id, bodies up to 300 KB), then WebSocket frames before and after AUTH, against the real
// coordinator on a real Redis with both emulators. Must hold: 0 answers ≥ 500, 0 crashes (the coordinator
// still answers and its error handler never logged an error), and 0 state changes after a refusal: Redis
// and the whole emulated Sheets are compared around every batch of requests that got no 2xx from a
// state-changing route. Counts are printed as JSON for docs/RELIABILITY.md. TD_SOAK=1 runs 50,000.
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent } from '../api/support/agent-client.js';
import { ticketFor } from '../api/support/ws-client.js';
import { type FuzzRequest, fuzzFrames, fuzzRequests } from './support/bad-input.js';
import { type InProcessStack, startInProcessStack } from './support/in-process.js';
import { scanLogs } from './support/log-scan.js';

const SOAK = process.env.TD_SOAK === '1';
const REQUESTS = SOAK ? 50_000 : 10_000;
const FRAMES = SOAK ? 2_000 : 400;
const SEED = 20261130;

let s: InProcessStack;
let ana: TestAgent;
let ben: TestAgent;

beforeAll(async () => {
  s = await startInProcessStack();
  const [a, b] = s.stack.agents;
  ana = await new TestAgent(a?.email ?? '', s.stack.baseUrl).login();
  ben = await new TestAgent(b?.email ?? '', s.stack.baseUrl).login();
  await ana.ok('sessionStart'); // a paused session: state the fuzz must not disturb
}, 120_000);
afterAll(() => s?.close());

async function send(baseUrl: string, r: FuzzRequest): Promise<number | 'client-error'> {
  try {
    const res = await fetch(`${baseUrl}${r.path}`, {
      method: r.method,
      headers: r.headers,
      redirect: 'manual',
      ...(r.body ? { body: new Uint8Array(r.body) } : {}),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    // fetch refused to send it (a header it will not encode): not a server answer.
    return 'client-error';
  }
}

describe('bad input', () => {
  it(`${REQUESTS} fuzzed HTTP requests: 0 5xx, 0 writes by a refused request, 0 crashes`, async () => {
    const tokens = await s.tokens(ana.token, ben.token);
    const requests = fc.sample(fuzzRequests(tokens), { numRuns: REQUESTS, seed: SEED });
    const byStatus = new Map<number | 'client-error', number>();
    const fiveXx: string[] = [];
    const changed: string[] = [];
    let refused = 0;
    let acceptedWrites = 0;
    const sheetsBefore = (await s.state()).sheets;
    await s.writesSince();
    for (const r of requests) {
      const status = await send(s.stack.baseUrl, r);
      const writes = await s.writesSince();
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
      if (typeof status !== 'number') continue;
      if (status >= 500) fiveXx.push(`${status} ${r.method} ${r.path} ${JSON.stringify(r.headers)}`);
      if (status < 300 && writes.length > 0) acceptedWrites += 1;
      // A refusal, or a logout of a token that is not genuine (every fuzzed one): nothing may be written.
      const mustNotWrite = status >= 400 || r.path === '/auth/logout';
      if (!mustNotWrite) continue;
      refused += 1;
      if (writes.length > 0) changed.push(`${status} ${r.method} ${r.path}: ${writes.join(', ')}`);
    }
    const sheetsAfter = (await s.state()).sheets;
    const health = await fetch(`${s.stack.baseUrl}/healthz`);
    const errorLines = s.logLines.filter((l) => l.includes('"level":"error"'));
    console.log(
      JSON.stringify({
        scenario: 'fuzz-http',
        requests: requests.length,
        byStatus: Object.fromEntries(byStatus),
        refusedChecked: refused,
        acceptedThatWrote: acceptedWrites,
        fiveXx: fiveXx.length,
        writesAfterRefusal: changed.length,
        errorLogLines: errorLines.length,
      }),
    );
    expect(fiveXx.slice(0, 5)).toEqual([]);
    expect(changed.slice(0, 10)).toEqual([]);
    expect(errorLines.slice(0, 3)).toEqual([]);
    expect(health.status).toBe(200);
    // The watcher does see writes: accepted requests (tickets, session state...) made some.
    expect(acceptedWrites).toBeGreaterThan(0);
    // No disposition can be accepted (no call), so nothing may reach the sheet at all.
    expect(sheetsAfter).toBe(sheetsBefore);
  }, 600_000);

  it(`${FRAMES} fuzzed WebSocket frames, before and after AUTH: closed cleanly, no state change`, async () => {
    const frames = fc.sample(fuzzFrames, { numRuns: FRAMES, seed: SEED });
    const wsUrl = `${s.stack.baseUrl.replace(/^http/, 'ws')}/ws`;
    const closes = new Map<number, number>();
    const changed: string[] = [];
    const open = (): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(wsUrl);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const closedOrAnswered = (ws: WebSocket): Promise<number> =>
      new Promise((resolve) => {
        const t = setTimeout(() => resolve(0), 2000);
        ws.once('close', (code) => {
          clearTimeout(t);
          resolve(code);
        });
        ws.once('message', () => {
          clearTimeout(t);
          resolve(-1);
        });
      });
    for (let i = 0; i < frames.length; i += 1) {
      const frame = frames[i] as string | Buffer;
      const authed = i % 2 === 1;
      const ticket = authed ? await ticketFor(s.stack.baseUrl, ana.token) : null;
      const ws = await open();
      if (ticket) {
        const hello = new Promise<void>((r) => ws.once('message', () => r()));
        ws.send(JSON.stringify({ v: 1, type: 'AUTH', ticket, lastSeq: null }));
        await hello;
      }
      await s.writesSince();
      const outcome = closedOrAnswered(ws);
      ws.send(frame);
      const code = await outcome;
      closes.set(code, (closes.get(code) ?? 0) + 1);
      if (ws.readyState === WebSocket.OPEN) ws.terminate();
      const writes = await s.writesSince();
      if (writes.length > 0) changed.push(`frame ${i}: ${writes.join(', ')}`);
    }
    const health = await fetch(`${s.stack.baseUrl}/healthz`);
    console.log(
      JSON.stringify({
        scenario: 'fuzz-ws',
        frames: frames.length,
        closeCodes: Object.fromEntries(closes),
        stateChanges: changed.length,
      }),
    );
    expect(changed).toEqual([]);
    // Every frame is answered by a close with a protocol code (4400 bad message, 4401, 1009 too big) or,
    // for a well-formed PING/ACK, by a PONG or nothing: never 1011 (internal error) or a hang-up.
    expect(closes.get(1011) ?? 0).toBe(0);
    expect(closes.get(1006) ?? 0).toBe(0);
    expect(health.status).toBe(200);
  }, 600_000);

  it('no phone number or secret in any log line the coordinator wrote', async () => {
    const found = scanLogs(s.logLines, {
      phones: s.stack.sheets.state.snapshot(),
      secrets: [s.stack.coordinator.config.jwt.secret, s.stack.webhookSecret, ana.token, ben.token],
      extraPhones: ['3125550112'],
    });
    console.log(JSON.stringify({ scenario: 'log-scan', lines: s.logLines.length, leaks: found.length }));
    expect(found.slice(0, 5)).toEqual([]);
  });
});
