// A supervisor signs the agent out (issue 11): the socket brings SUPERVISOR_ACTION (who and why), then closes;
// every later request and the refresh answer 401 AGENT_SIGNED_OUT. The app ends on the sign-in screen and
// still says who signed the agent out and why, instead of retrying forever or blaming an expired sign-in.
import { afterEach, describe, expect, it } from 'vitest';
import { fakeCoordinator, ScriptedWebSocket } from '../test/fake-coordinator';
import { T0 } from '../test/fixtures';
import { makeController, until } from '../test/harness';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
  localStorage.clear();
  sessionStorage.clear();
});

describe('signed out by a supervisor', () => {
  it('shows who and why, and lands signed out when the coordinator refuses the old sign-in', async () => {
    ScriptedWebSocket.sockets = [];
    sessionStorage.setItem('turbo-dialer:refresh-token', 'refresh-token-1');
    const server = fakeCoordinator();
    const h = makeController(undefined, server, ScriptedWebSocket);
    disposers.push(() => h.controller.dispose());
    await h.controller.auth.boot();
    expect(h.store.getState().auth.phase).toBe('signed-in');
    h.controller.socket.start();
    await until(() => ScriptedWebSocket.sockets.length >= 1);
    const ws = ScriptedWebSocket.sockets.at(-1)!;
    ws.open();
    const v = 1 as const;
    ws.receive({
      v,
      type: 'HELLO',
      agentEmail: 'ana@example.com',
      serverSeq: 0,
      replayed: 0,
      instanceId: 'i',
    });
    ws.receive({
      v,
      type: 'EVENT',
      seq: 1000,
      at: T0,
      event: {
        type: 'SUPERVISOR_ACTION',
        notice: { action: 'SIGNED_OUT', by: 'maya@example.com', reason: 'end of shift', at: T0 },
      },
    });
    expect(h.store.getState().ui.error).toMatchObject({
      code: 'AGENT_SIGNED_OUT',
      detail: 'By maya@example.com: end of shift',
    });

    // The coordinator now refuses this sign-in everywhere, refresh included; the socket closes (4409).
    const refused = () =>
      new Response(JSON.stringify({ error: { code: 'AGENT_SIGNED_OUT', message: 'signed out' } }), {
        status: 401,
        headers: { 'Content-Type': 'application/json' },
      });
    server.answer = (path) => (path === '/auth/config' ? null : refused());
    ws.close();
    await until(() => h.store.getState().auth.phase === 'signed-out', 10_000);
    expect(h.store.getState().ui.error).toMatchObject({
      code: 'AGENT_SIGNED_OUT',
      detail: 'By maya@example.com: end of shift',
    });
    expect(server.requests.some((r) => r.path === '/auth/refresh')).toBe(true);
  });
});
