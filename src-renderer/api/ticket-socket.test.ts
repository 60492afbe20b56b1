// The one socket client as each page uses it: the agent's (resume by seq, HELLO, AUTH_FAILED refreshes, a
// 4409 sign-out reconnects into the refused ticket) and the console's (resume by stream + seq, SNAPSHOT,
// 4403 or FORBIDDEN stops for good, a seq gap reconnects at once). Timers are vitest's fake clock: the
// backoff waits are asserted as the offline banner reads them (retryAt), not measured.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SUPERVISOR_WS_CLOSE, type SupervisorServerMessage } from '../../src-shared/contracts/supervisor';
import { type ServerMessage, WS_CLOSE } from '../../src-shared/contracts/ws';
import { ConsoleSocket } from '../features/supervisor/console-socket';
import { ScriptedWebSocket } from '../test/fake-coordinator';
import { AgentSocket } from './socket';
import type { SocketPhase, SocketPhaseInfo } from './ticket-socket';

const T0 = 1_800_000_000_000;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  ScriptedWebSocket.sockets = [];
});
afterEach(() => {
  vi.useRealTimers();
});

const Impl = ScriptedWebSocket as unknown as typeof WebSocket;
const last = () => ScriptedWebSocket.sockets.at(-1)!;
const hello: ServerMessage = {
  v: 1,
  type: 'HELLO',
  agentEmail: 'ana@example.com',
  serverSeq: 7,
  replayed: 0,
  instanceId: 'i',
};

function agent(o: { lastSeq?: () => number | null; authFailed?: () => Promise<boolean> } = {}) {
  const got: ServerMessage[] = [];
  const phases: [SocketPhase, SocketPhaseInfo][] = [];
  let tickets = 0;
  const socket = new AgentSocket({
    url: 'ws://coordinator.test/ws',
    getTicket: async () => `ticket-number-${++tickets}`,
    getLastSeq: o.lastSeq ?? (() => null),
    onMessage: (m) => got.push(m),
    onPhase: (phase, info) => phases.push([phase, info]),
    onAuthFailed: o.authFailed ?? (async () => true),
    WebSocketImpl: Impl,
    random: () => 0.5,
  });
  return { socket, got, phases, phase: () => phases.at(-1)?.[0] };
}

describe('the agent socket', () => {
  it('authenticates with a fresh ticket and its last seq, and hands over only messages it understands', async () => {
    const { socket, got, phase } = agent({ lastSeq: () => 41 });
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(last().url).toBe('ws://coordinator.test/ws');
    last().open();
    expect(last().sent).toEqual([{ v: 1, type: 'AUTH', ticket: 'ticket-number-1', lastSeq: 41 }]);
    expect(phase()).toBe('connecting');
    last().receive(hello);
    expect(phase()).toBe('open');
    last().receiveText('not json');
    last().receiveText(JSON.stringify({ v: 1, type: 'EVENT', seq: 'eight' }));
    expect(got).toEqual([hello]);
    socket.stop();
  });

  it('reconnects after a drop with a jittered backoff, then resumes from the seq it reached', async () => {
    let seq = 3;
    const { socket, phases, phase } = agent({ lastSeq: () => seq });
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().receive(hello);
    seq = 9;
    last().close(1006);
    // The banner reads "retry in Ns" from retryAt: 250 ms floor + half of the 500 ms cap's rest.
    expect(phases.at(-1)).toEqual(['reconnecting', { attempt: 1, retryAt: T0 + 375 }]);
    await vi.advanceTimersByTimeAsync(374);
    expect(ScriptedWebSocket.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(ScriptedWebSocket.sockets).toHaveLength(2);
    last().open();
    expect(last().sent).toEqual([{ v: 1, type: 'AUTH', ticket: 'ticket-number-2', lastSeq: 9 }]);
    last().receive(hello);
    expect(phase()).toBe('open');
    // Backoff starts over after a successful AUTH; a second drop waits the first delay again.
    last().close(1006);
    expect(phases.at(-1)).toEqual(['reconnecting', { attempt: 1, retryAt: T0 + 375 + 375 }]);
    socket.stop();
  });

  it('the wait grows while the coordinator stays away, and Retry skips it', async () => {
    const { socket, phases } = agent();
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().close(1006);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [, info] = phases.at(-1)!;
      waits.push((info.retryAt ?? 0) - Date.now());
      await vi.advanceTimersByTimeAsync(info.retryAt! - Date.now());
      last().close(1006);
    }
    expect(waits).toEqual([375, 625, 1125]);
    const before = ScriptedWebSocket.sockets.length;
    socket.reconnectNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(ScriptedWebSocket.sockets).toHaveLength(before + 1);
    socket.stop();
  });

  it('a refused ticket refreshes the sign-in and retries; when the refresh fails it stops', async () => {
    let refreshes = 0;
    let signedIn = true;
    const { socket, phase } = agent({
      authFailed: async () => {
        refreshes += 1;
        return signedIn;
      },
    });
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().receive({ v: 1, type: 'AUTH_FAILED', code: 'TOKEN_EXPIRED', message: 'expired' });
    await vi.advanceTimersByTimeAsync(0);
    expect(refreshes).toBe(1);
    expect(phase()).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(375);
    expect(ScriptedWebSocket.sockets).toHaveLength(2);
    signedIn = false;
    last().open();
    last().receive({ v: 1, type: 'AUTH_FAILED', code: 'AGENT_SIGNED_OUT', message: 'signed out' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refreshes).toBe(2);
    expect(phase()).toBe('closed');
    expect(ScriptedWebSocket.sockets).toHaveLength(2);
  });

  it("a supervisor's sign-out (4409) reconnects like any drop: the next ticket request decides", async () => {
    const { socket, phase } = agent();
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().receive(hello);
    last().close(WS_CLOSE.SIGNED_OUT);
    expect(phase()).toBe('reconnecting');
    socket.stop();
  });

  it('a connection that goes silent is dropped by the heartbeat and reconnected', async () => {
    const { socket, phase } = agent();
    socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().receive(hello);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(last().sent.at(-1)).toEqual({ v: 1, type: 'PING', t: T0 + 15_000 });
    await vi.advanceTimersByTimeAsync(30_000); // 45 s without a word > 40 s
    expect(phase()).toBe('reconnecting');
    socket.stop();
  });
});

function console_(resume: () => { stream: string; lastSeq: number } | null = () => null) {
  const got: SupervisorServerMessage[] = [];
  let phase: SocketPhase | null = null;
  let forbidden = 0;
  const socket = new ConsoleSocket({
    url: 'ws://coordinator.test/supervisor/ws',
    getTicket: async () => 'ticket-for-maya',
    getResume: resume,
    onMessage: (m) => got.push(m),
    onPhase: (p) => {
      phase = p;
    },
    onAuthFailed: async () => true,
    onForbidden: () => forbidden++,
    WebSocketImpl: Impl,
    random: () => 0.5,
  });
  return { socket, got, phase: () => phase, forbidden: () => forbidden };
}

const resumed: SupervisorServerMessage = { v: 1, type: 'RESUMED', stream: 's-1', seq: 12, replayed: 2 };

describe('the console socket', () => {
  it('resumes by stream and seq, and is live once the server resumed it', async () => {
    const c = console_(() => ({ stream: 's-1', lastSeq: 10 }));
    c.socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    expect(last().sent).toEqual([
      { v: 1, type: 'AUTH', ticket: 'ticket-for-maya', resume: { stream: 's-1', lastSeq: 10 } },
    ]);
    last().receive(resumed);
    expect(c.phase()).toBe('open');
    expect(c.got).toEqual([resumed]);
    c.socket.stop();
  });

  it('a 4403 close stops for good: "not a supervisor", no reconnect', async () => {
    const c = console_();
    c.socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().close(SUPERVISOR_WS_CLOSE.FORBIDDEN);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(c.forbidden()).toBe(1);
    expect(c.phase()).toBe('closed');
    expect(ScriptedWebSocket.sockets).toHaveLength(1);
  });

  it('an AUTH_FAILED FORBIDDEN stops too; another refusal retries', async () => {
    const c = console_();
    c.socket.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().receive({ v: 1, type: 'AUTH_FAILED', code: 'TOKEN_EXPIRED', message: 'expired' });
    await vi.advanceTimersByTimeAsync(375);
    expect(ScriptedWebSocket.sockets).toHaveLength(2);
    last().open();
    last().receive({ v: 1, type: 'AUTH_FAILED', code: 'FORBIDDEN', message: 'not a supervisor' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(c.forbidden()).toBe(1);
    expect(ScriptedWebSocket.sockets).toHaveLength(2);
    expect(c.got).toEqual([]);
  });

  it('a seq gap reconnects at once and asks afresh; the old connection is ignored from then on', async () => {
    let resume: { stream: string; lastSeq: number } | null = { stream: 's-1', lastSeq: 10 };
    const c = console_(() => resume);
    c.socket.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = last();
    first.open();
    first.receive(resumed);
    resume = null;
    c.socket.reconnect();
    await vi.advanceTimersByTimeAsync(0);
    expect(first.readyState).toBe(3);
    first.receive({ v: 1, type: 'PONG', t: 1 });
    last().open();
    expect(last().sent).toEqual([{ v: 1, type: 'AUTH', ticket: 'ticket-for-maya', resume: null }]);
    expect(c.got).toEqual([resumed]);
    c.socket.stop();
  });
});
