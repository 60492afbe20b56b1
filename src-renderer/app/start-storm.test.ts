// A morning start storm, client side (issue 13): a start answered "come back later" (503 or 429 with
// Retry-After) is waited out and retried by itself with the same idempotency key, the screen says
// "Starting… (waiting for the sheet)", and no error is shown. Fake timers: the wait is the server's, exactly.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeCoordinator } from '../test/fake-coordinator';
import { snapshot } from '../test/fixtures';
import { makeController, signedIn } from '../test/harness';

const busy = (status: number, code: string, retryAfter: string) =>
  new Response(JSON.stringify({ error: { code, message: 'the sheet is busy, come back later' } }), {
    status,
    headers: { 'Content-Type': 'application/json', 'Retry-After': retryAfter },
  });

function stormyCoordinator(refusals: Response[]) {
  const server = fakeCoordinator();
  server.current = null; // no session yet: sign-in starts one
  const inner = server.fetch;
  const starts: (string | null)[] = [];
  server.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (new URL(String(input)).pathname !== '/session/start') return inner(input, init);
    starts.push(new Headers(init?.headers).get('Idempotency-Key'));
    const refusal = refusals.shift();
    if (refusal) return refusal;
    server.current = snapshot();
    return new Response(JSON.stringify(server.current), { status: 200 });
  }) as typeof fetch;
  return { server, starts };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  localStorage.clear();
  sessionStorage.clear();
});

describe('start storm', () => {
  it('waits as long as Retry-After says, retries with the same key, and never shows an error', async () => {
    const { server, starts } = stormyCoordinator([
      busy(503, 'SHEETS_UNAVAILABLE', '3'),
      busy(429, 'RATE_LIMITED', '2'),
    ]);
    const { controller, store } = makeController(signedIn, server);
    await controller.session.refreshSession();
    expect(starts).toHaveLength(1);
    expect(store.getState().session.phase).toBe('starting');
    expect(store.getState().session.startWaitUntil).toBeGreaterThan(Date.now());
    expect(store.getState().ui.error).toBeNull();

    await vi.advanceTimersByTimeAsync(2_900);
    expect(starts).toHaveLength(1); // not before the server's 3 s
    await vi.advanceTimersByTimeAsync(700);
    expect(starts).toHaveLength(2);
    expect(store.getState().session.phase).toBe('starting');
    await vi.advanceTimersByTimeAsync(2_600);
    expect(starts).toHaveLength(3);
    expect(new Set(starts).size).toBe(1); // one intent, one key
    expect(store.getState().session.phase).toBe('active');
    expect(store.getState().session.startWaitUntil).toBeUndefined();
    expect(store.getState().ui.error).toBeNull();
    controller.dispose();
  });

  it('a 503 without Retry-After from the coordinator is still an error in plain words', async () => {
    const { server } = stormyCoordinator([
      new Response(JSON.stringify({ error: { code: 'SHEETS_UNAVAILABLE', message: 'Google is down' } }), {
        status: 503,
      }),
    ]);
    const { controller, store } = makeController(signedIn, server);
    await controller.session.refreshSession();
    expect(store.getState().ui.error?.code).toBe('SHEETS_UNAVAILABLE');
    expect(store.getState().session.phase).toBe('none');
    controller.dispose();
  });
});
