// The receipt only says "Saved" for a disposition the coordinator kept: a final refusal removes it (the
// error banner says what happened instead); a disposition already recorded (a lost answer) keeps it.
import { afterEach, describe, expect, it } from 'vitest';
import { fakeCoordinator } from '../test/fake-coordinator';
import { endedCall, snapshot } from '../test/fixtures';
import { makeController, R, signedIn } from '../test/harness';

afterEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

function refusing(code: string, status: number) {
  const server = fakeCoordinator();
  const inner = server.fetch;
  server.fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
    new URL(String(input)).pathname === '/disposition'
      ? new Response(JSON.stringify({ error: { code, message: 'refused' } }), { status })
      : inner(input, init)) as typeof fetch;
  return server;
}

describe('receipt after a refusal', () => {
  it('a disposition refused for good leaves no "Saved" receipt, and the banner explains', async () => {
    const { controller, store } = makeController(
      (s) => R.applySnapshot(signedIn(s), snapshot({ call: endedCall() })),
      refusing('FORBIDDEN', 403),
    );
    controller.dispo.pick('WRONG');
    await controller.dispo.confirm();
    expect(store.getState().ui.receipt).toBeNull();
    expect(store.getState().ui.error?.code).toBe('FORBIDDEN');
    controller.dispose();
  });

  it('already recorded (its answer was lost) keeps the receipt', async () => {
    const { controller, store } = makeController(
      (s) => R.applySnapshot(signedIn(s), snapshot({ call: endedCall() })),
      refusing('NO_CALL_PENDING', 409),
    );
    controller.dispo.pick('WRONG');
    await controller.dispo.confirm();
    expect(store.getState().ui.receipt?.label).toBe('Wrong number');
    expect(store.getState().ui.error).toBeNull();
    controller.dispose();
  });
});
