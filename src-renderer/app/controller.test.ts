// The outbox and recovery through the real controller, store and web bridge, against a scripted
// coordinator: a disposition chosen while offline is kept (also across a reload) and sent exactly once,
// with the same idempotency key, when the coordinator is back; shortcuts and tray commands drive the same
// actions as the in-page keys; app:status follows the screen.
import { afterEach, describe, expect, it } from 'vitest';
import { SNAPSHOT_KEY } from '../bridge/web';
import { fakeCoordinator, ScriptedWebSocket } from '../test/fake-coordinator';
import { fakeElectronBridge } from '../test/fake-electron-bridge';
import { callView, endedCall, leadPreview, sessionView, snapshot, statsView, T0 } from '../test/fixtures';
import { makeController, R, signedIn, until } from '../test/harness';

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
  localStorage.clear();
  sessionStorage.clear();
});

function make(...args: Parameters<typeof makeController>) {
  const h = makeController(...args);
  disposers.push(() => h.controller.dispose());
  return h;
}

const withEndedCall = (s: Parameters<typeof signedIn>[0]) =>
  R.applySnapshot(signedIn(s), snapshot({ call: endedCall() }));
const dispositions = (reqs: { path: string }[]) => reqs.filter((r) => r.path === '/disposition');

describe('outbox', () => {
  it('keeps a disposition chosen offline, persists it, and sends it once with the same key when back', async () => {
    const { controller, store, server } = make(withEndedCall);
    server.online = false;
    controller.dispo.pick('WRONG');
    await controller.dispo.confirm();
    expect(store.getState().outbox.entries).toHaveLength(1);
    expect(store.getState().ui.dispo).toBeNull();
    expect(store.getState().connection.apiReachable).toBe(false);
    expect(store.getState().ui.notice).toMatch(/sent as soon as the server is back/);
    const saved = JSON.parse(localStorage.getItem(SNAPSHOT_KEY) ?? 'null');
    expect(saved.outbox[0].body).toEqual({ callId: 'call-1', code: 'WRONG' });
    const key = saved.outbox[0].idempotencyKey;

    server.online = true;
    await controller.outbox.flush();
    await controller.outbox.flush();
    expect(dispositions(server.requests)).toHaveLength(1);
    expect(server.requests.find((r) => r.path === '/disposition')?.idempotencyKey).toBe(key);
    expect(store.getState().outbox.entries).toHaveLength(0);
    expect(JSON.parse(localStorage.getItem(SNAPSHOT_KEY) ?? 'null').outbox).toEqual([]);
  });

  it('retries by itself after a failure (backoff), without the agent doing anything', async () => {
    const { controller, store, server } = make(withEndedCall);
    server.online = false;
    await controller.dispo.confirm();
    server.online = true;
    await until(() => store.getState().outbox.entries.length === 0);
    expect(dispositions(server.requests)).toHaveLength(1);
  });

  it('survives a reload while offline: the new window restores the outbox and sends it after sign-in', async () => {
    const first = make(withEndedCall);
    first.server.online = false;
    first.controller.dispo.pick('CORRECT');
    await first.controller.dispo.confirm();
    const key = first.store.getState().outbox.entries[0]?.idempotencyKey;
    first.controller.dispose();
    sessionStorage.setItem('turbo-dialer:refresh-token', 'refresh-token-1');

    // "Reload": a fresh store and controller over the same browser storage; the coordinator is back.
    const server = fakeCoordinator();
    server.current = snapshot({ call: endedCall(), wsSeq: 30 });
    const second = make(undefined, server);
    await second.controller.auth.boot();
    await until(() => dispositions(server.requests).length === 1);
    expect(server.requests.find((r) => r.path === '/disposition')?.idempotencyKey).toBe(key);
    // The server still reported the call as ended (its answer raced the replay): the modal stays closed.
    expect(second.store.getState().ui.dispo).toBeNull();
    expect(second.store.getState().auth.phase).toBe('signed-in');
  });

  it('a reload mid-disposition brings back the picked code and the notes typed so far', async () => {
    const first = make(withEndedCall);
    first.controller.dispo.pick('VM_SAME_NAME');
    first.controller.dispo.setNotes('asked to call after 5');
    await until(() => (localStorage.getItem(SNAPSHOT_KEY) ?? '').includes('asked to call after 5'));
    first.controller.dispose();
    sessionStorage.setItem('turbo-dialer:refresh-token', 'refresh-token-1');

    const server = fakeCoordinator();
    server.current = snapshot({ call: endedCall() });
    const second = make(undefined, server);
    await second.controller.auth.boot();
    expect(second.store.getState().ui.dispo).toEqual({
      callId: 'call-1',
      code: 'VM_SAME_NAME',
      notes: 'asked to call after 5',
      open: true,
    });
  });
});

describe('one set of actions for keys, global shortcuts and the tray', () => {
  function fakeBridge() {
    const fake = fakeElectronBridge();
    return { bridge: fake.bridge, statuses: () => fake.of('app:status'), fire: fake.emit };
  }

  it('a global shortcut picks and confirms; a tray command pauses; app:status follows', async () => {
    const { Controller } = await import('./controller');
    const { createAppStore } = await import('../store');
    const fb = fakeBridge();
    const server = fakeCoordinator();
    const controller = new Controller({
      store: createAppStore(withEndedCall),
      bridge: fb.bridge,
      baseUrl: 'http://coordinator.test',
      wsUrl: 'ws://coordinator.test/ws',
      fetch: server.fetch,
    });
    disposers.push(() => controller.dispose());
    controller.store.setState({ ...controller.store.getState() }); // first status report
    expect(fb.statuses().at(-1)?.tray).toBe('disposition-pending');
    expect(fb.statuses().at(-1)?.dispositionPending).toBe(true);

    fb.fire('shortcut:fired', { action: 'dispo-1' });
    expect(controller.store.getState().ui.dispo?.code).toBe('CORRECT');
    fb.fire('shortcut:fired', { action: 'confirm' });
    await until(() => dispositions(server.requests).length === 1);
    expect(server.requests.find((r) => r.path === '/disposition')?.body).toEqual({
      callId: 'call-1',
      code: 'CORRECT',
    });
    await until(() => fb.statuses().at(-1)?.dispositionPending === false);

    fb.fire('tray:command', { command: 'PLAY' });
    await until(() => controller.store.getState().session.session?.state === 'PLAY');
    expect(fb.statuses().at(-1)?.sessionState).toBe('PLAY');
    fb.fire('tray:command', { command: 'PAUSE' });
    await until(() => controller.store.getState().session.session?.state === 'PAUSE');
    expect(fb.statuses().at(-1)?.tray).toBe('paused');
  });
});

describe('never stuck on Play', () => {
  it('keeps the error the server pushed while saving, and asks for the next lead again by itself', async () => {
    const playing = (s: Parameters<typeof signedIn>[0]) =>
      R.applySnapshot(signedIn(s), snapshot({ session: sessionView({ state: 'PLAY' }), call: endedCall() }));
    const { controller, store, server } = make(playing);
    server.session = sessionView({ state: 'PLAY' });
    // The chained dial fails after the disposition is saved: an ERROR event, then an idle step.
    server.onRequest = (path) => {
      if (path === '/disposition')
        store.setState(
          R.applyAgentEvent(
            store.getState(),
            11,
            { type: 'ERROR', code: 'RATE_LIMITED', message: 'slow down' },
            Date.now(),
          ),
        );
    };
    server.dispositionNext = { kind: 'idle', sessionState: 'PLAY' };
    server.dialAnswer = {
      kind: 'call',
      call: callView({ callId: 'call-2', leadRowId: 'L2', startedAt: Date.now() }),
      preview: leadPreview('L2', 'Alan Turing'),
    };
    await controller.dispo.confirm();
    expect(store.getState().ui.error?.code).toBe('RATE_LIMITED');
    expect(store.getState().call.call).toBeNull();
    await until(() => store.getState().call.call?.callId === 'call-2', 10_000);
    expect(server.requests.filter((r) => r.path === '/dial')).toHaveLength(1);
  });
});

describe('live stats', () => {
  it('STATS events from the socket update the numbers; GET /stats is the fallback after each (re)connect', async () => {
    ScriptedWebSocket.sockets = [];
    const server = fakeCoordinator();
    server.stats = statsView({ callsInitiated: 2, callsCompleted: 2 });
    const playing = (s: Parameters<typeof signedIn>[0]) =>
      R.applySnapshot(signedIn(s), snapshot({ stats: statsView({ callsInitiated: 0, callsCompleted: 0 }) }));
    const { controller, store } = make(playing, server, ScriptedWebSocket);
    const v = 1 as const;
    const stats = () => store.getState().stats.stats;
    const statsGets = () => server.requests.filter((r) => r.path === '/stats').length;

    controller.socket.start();
    await until(() => ScriptedWebSocket.sockets.length === 1);
    const first = ScriptedWebSocket.sockets[0]!;
    first.open();
    first.receive({
      v,
      type: 'HELLO',
      agentEmail: 'ana@example.com',
      serverSeq: 10,
      replayed: 0,
      instanceId: 'a',
    });
    await until(() => stats()?.callsInitiated === 2);
    expect(statsGets()).toBe(1);

    // The dial of the next call: the server pushes the numbers with the live call counted.
    first.receive({
      v,
      type: 'EVENT',
      seq: 11,
      at: T0,
      event: { type: 'STATS', stats: statsView({ callsInitiated: 3 }) },
    });
    expect(stats()?.callsInitiated).toBe(3);
    expect(first.sent).toContainEqual({ v, type: 'ACK', seq: 11 });

    // Reconnect: GET /stats is asked again, and its older answer does not undo the event's numbers.
    first.drop();
    await until(() => ScriptedWebSocket.sockets.length === 2, 5000);
    const second = ScriptedWebSocket.sockets[1]!;
    second.open();
    second.receive({
      v,
      type: 'HELLO',
      agentEmail: 'ana@example.com',
      serverSeq: 11,
      replayed: 0,
      instanceId: 'a',
    });
    await until(() => statsGets() === 2);
    await controller.session.refreshStats(); // the same older answer, awaited: it is dropped
    expect(stats()?.callsInitiated).toBe(3);
    server.stats = statsView({ callsInitiated: 4, callsCompleted: 3 });
    second.drop();
    await until(() => ScriptedWebSocket.sockets.length === 3, 5000);
    ScriptedWebSocket.sockets[2]!.open();
    ScriptedWebSocket.sockets[2]!.receive({
      v,
      type: 'HELLO',
      agentEmail: 'ana@example.com',
      serverSeq: 11,
      replayed: 0,
      instanceId: 'a',
    });
    await until(() => stats()?.callsInitiated === 4);
  });
});
