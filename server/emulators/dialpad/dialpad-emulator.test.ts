// The Dialpad emulator over HTTP, as the coordinator's gateway and webhook intake see it: initiate_call,
// the webhook sequence of a call arriving at a local receiver, HS256 JWT bodies that verify with the
// secret, delivery faults doing what they say, errors, and the per-user rate limit.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DialpadCallEventSchema } from '../../../src-shared/contracts/dialpad.js';
import { type DialpadEmulator, startDialpadEmulator } from './server.js';

const SECRET = 'whsec-test-0123456789';
const USER = { id: '5714926319624192', name: 'Ana Ortiz', email: 'ana@example.com' };
const USER2 = { id: '42', name: 'Ben Carter', email: 'ben@example.com' };
const FAST = { dialMs: 5, ringMs: 5, talkMs: 5, noAnswerMs: 5, jitter: 0 };

interface Received {
  contentType: string;
  body: string;
}

/** A local webhook receiver that records every POST. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events/dialpad`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function waitFor<T>(fn: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function decode(r: Received): Promise<Record<string, unknown>> {
  if (r.contentType.startsWith('application/jwt')) {
    const { payload } = await jwtVerify(r.body, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] });
    return payload as Record<string, unknown>;
  }
  return JSON.parse(r.body) as Record<string, unknown>;
}

describe('dialpad emulator', () => {
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let emu: DialpadEmulator;

  const initiate = (
    body: unknown,
    opts: { user?: string; auth?: string | null; signal?: AbortSignal } = {},
  ) =>
    fetch(`${emu.url}api/v2/users/${opts.user ?? USER.id}/initiate_call`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.auth === null ? {} : { authorization: `Bearer ${opts.auth ?? 'key-1'}` }),
      },
      body: JSON.stringify(body),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });

  /** Starts a call with this custom_data and waits until its webhooks settle; returns decoded events. */
  const callAndCollect = async (customData: string, phone = '+14155550134', until = 'hangup') => {
    const res = await initiate({ phone_number: phone, custom_data: customData });
    expect(res.status).toBe(200);
    await waitFor(
      () => emu.state.findCallByCustomData(customData)?.states.includes(until),
      `${until} emitted`,
    );
    await emu.state.deliveriesIdle();
    const events = await Promise.all(rx.received.map(decode));
    return events.filter((e) => e.custom_data === customData);
  };

  beforeAll(async () => {
    rx = await startReceiver();
    emu = await startDialpadEmulator({
      users: [USER, USER2],
      webhook: { url: rx.url, secret: SECRET },
      timings: FAST,
      rateLimitPerMin: null,
      apiKeys: ['key-1', 'k'],
    });
  });
  afterAll(async () => {
    await emu.close();
    await rx.close();
  });
  afterEach(async () => {
    emu.state.clearFaults();
    emu.state.outcomes.clearQueue();
    emu.state.setOutcomePlan({});
    emu.state.setRateLimit(null);
    for (const c of emu.state.listCalls()) emu.state.endCall(c.call_id);
    await emu.state.deliveriesIdle();
    rx.received.length = 0;
  });

  it('initiate_call answers the device (no call id) and the call plays calling → ringing → connected → hangup as signed JWTs', async () => {
    const res = await initiate({
      phone_number: '+14155550134',
      custom_data: '{"td":1,"callId":"c-1","sessionId":"s-1"}',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { device: Record<string, unknown> };
    expect(body.device).toMatchObject({ type: 'native', user_id: USER.id });
    expect(JSON.stringify(body)).not.toContain('call_id');

    const custom = '{"td":1,"callId":"c-1","sessionId":"s-1"}';
    await waitFor(() => emu.state.findCallByCustomData(custom)?.states.includes('hangup'), 'hangup');
    await emu.state.deliveriesIdle();
    expect(rx.received.every((r) => r.contentType === 'application/jwt')).toBe(true);
    const events = await Promise.all(rx.received.map(decode));
    expect(events.map((e) => e.state)).toEqual(['calling', 'ringing', 'connected', 'hangup']);
    const hangup = DialpadCallEventSchema.parse(events[3]);
    expect(hangup).toMatchObject({
      direction: 'outbound',
      external_number: '+14155550134',
      custom_data: custom,
      target: { id: USER.id, type: 'user', name: USER.name, email: USER.email },
    });
    expect(typeof events[0]?.call_id).toBe('number');
    expect(new Set(events.map((e) => e.call_id)).size).toBe(1);
    const e3 = events[3] as Record<string, number>;
    expect(e3.date_ended).toBeGreaterThanOrEqual(e3.date_connected ?? 0);
    expect(e3.date_connected).toBeGreaterThanOrEqual(e3.date_started ?? 0);
    expect(e3.duration).toBe((e3.date_ended ?? 0) - (e3.date_connected ?? 0));
    expect(e3.event_timestamp).toBeGreaterThan(1_600_000_000_000);
  });

  it('a JWT signed with another secret does not verify', async () => {
    await callAndCollect('wrong-secret');
    const first = rx.received[0] as Received;
    await expect(jwtVerify(first.body, new TextEncoder().encode('not-the-secret'))).rejects.toThrow();
  });

  it('plays the configured outcomes: scripted queue first, then number patterns', async () => {
    emu.state.setOutcomePlan({ byNumber: [{ pattern: '0199$', outcome: 'voicemail' }] });
    emu.state.enqueueOutcomes('no_answer', 'missed');
    const q1 = await callAndCollect('q1');
    expect(q1.map((e) => e.state)).toEqual(['calling', 'ringing', 'hangup']);
    expect(q1.at(-1)?.date_connected).toBeNull();
    expect((await callAndCollect('q2', '+14155550134', 'missed')).map((e) => e.state)).toEqual([
      'calling',
      'ringing',
      'missed',
    ]);
    expect((await callAndCollect('p1', '+12125550199', 'voicemail')).map((e) => e.state)).toEqual([
      'calling',
      'ringing',
      'voicemail',
    ]);
  });

  it('a manual call stays live until a test ends it; the user is busy meanwhile; hangup API ends calls', async () => {
    emu.state.enqueueOutcomes('manual', 'manual');
    expect((await initiate({ phone_number: '+14155550101', custom_data: 'm1' })).status).toBe(200);
    const call = await waitFor(() => {
      const c = emu.state.findCallByCustomData('m1');
      return c?.state === 'connected' ? c : undefined;
    }, 'connected');
    const busy = await initiate({ phone_number: '+14155550102', custom_data: 'm2' });
    expect(busy.status).toBe(400);
    expect(((await busy.json()) as { error: { message: string } }).error.message).toBe(
      'User is currently on a call',
    );

    const list = (await (await fetch(`${emu.url}__emulator/calls`)).json()) as {
      calls: { custom_data: string }[];
    };
    expect(list.calls.map((c) => c.custom_data)).toContain('m1');
    const end = await fetch(`${emu.url}__emulator/calls/${call.call_id}/end`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'voicemail' }),
    });
    expect(end.status).toBe(200);
    await emu.state.deliveriesIdle();
    const events = (await Promise.all(rx.received.map(decode))).filter((e) => e.custom_data === 'm1');
    expect(events.map((e) => e.state)).toEqual(['calling', 'ringing', 'connected', 'voicemail']);

    expect((await initiate({ phone_number: '+14155550102', custom_data: 'm3' })).status).toBe(200);
    const m3 = await waitFor(() => {
      const c = emu.state.findCallByCustomData('m3');
      return c?.state === 'connected' ? c : undefined;
    }, 'm3 connected');
    const hang = await fetch(`${emu.url}api/v2/call/${m3.call_id}/actions/hangup?apikey=key-1`, {
      method: 'PUT',
    });
    expect(hang.status).toBe(200);
    expect(emu.state.getCall(m3.call_id)?.state).toBe('hangup');
    const get = await fetch(`${emu.url}api/v2/call/${m3.call_id}`, {
      headers: { authorization: 'Bearer k' },
    });
    expect(((await get.json()) as { state: string; call_id: string }).call_id).toBe(String(m3.call_id));
  });

  it('answers errors: 401 without a key or with an unknown one, 404 unknown user, 400 bad body', async () => {
    emu.state.requestLog.clear();
    const callsBefore = emu.state.listCalls().length;
    const missing = await initiate({ phone_number: '+14155550134' }, { auth: null });
    expect([missing.status, await missing.json()]).toEqual([
      401,
      {
        error: {
          code: 401,
          message: 'Login Required',
          errors: [{ domain: 'global', reason: 'required', message: 'Login Required' }],
        },
      },
    ]);
    const wrong = await initiate({ phone_number: '+14155550134' }, { auth: 'made-up-key' });
    expect(wrong.status).toBe(401);
    expect(
      ((await wrong.json()) as { error: { errors: { reason: string }[] } }).error.errors[0]?.reason,
    ).toBe('authError');
    const wrongQuery = await fetch(`${emu.url}api/v2/call/1?apikey=made-up-key`);
    expect(wrongQuery.status).toBe(401);
    const unknown = await initiate({ phone_number: '+14155550134' }, { user: '999' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: number } }).error.code).toBe(404);
    expect((await initiate({ phone_number: '(415) 555-0134' })).status).toBe(400);
    expect((await initiate({ phone_number: '+14155550134', bogus: 1 })).status).toBe(400);
    expect(emu.state.requestLog.count('initiate_call')).toBe(5);
    expect(emu.state.listCalls()).toHaveLength(callsBefore);
  });

  it('limits initiate_call to 5 per minute per target user with 429 + Retry-After; other users unaffected', async () => {
    emu.state.setRateLimit(5);
    emu.state.setTimings({ talkMs: 0 });
    for (let i = 0; i < 5; i += 1) {
      expect((await initiate({ phone_number: '+14155550134', custom_data: `r${i}` })).status).toBe(200);
      await waitFor(() => emu.state.findCallByCustomData(`r${i}`)?.date_ended, 'call end');
    }
    const limited = await initiate({ phone_number: '+14155550134' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await initiate({ phone_number: '+14155550134' }, { user: USER2.id })).status).toBe(200);
    emu.state.setTimings({ talkMs: FAST.talkMs });
  });

  it('webhook faults: duplicate sends identical bodies, drop loses the event, reorder swaps with the next', async () => {
    emu.state.setWebhookFaults([{ action: 'duplicate', states: ['ringing'], times: 1, copies: 2 }]);
    const dup = await callAndCollect('f-dup');
    expect(dup.map((e) => e.state)).toEqual([
      'calling',
      'ringing',
      'ringing',
      'ringing',
      'connected',
      'hangup',
    ]);
    expect(new Set(rx.received.slice(1, 4).map((r) => r.body)).size).toBe(1);
    rx.received.length = 0;

    emu.state.setWebhookFaults([{ action: 'drop', states: ['connected'], times: 1 }]);
    expect((await callAndCollect('f-drop')).map((e) => e.state)).toEqual(['calling', 'ringing', 'hangup']);
    expect(emu.state.deliveries.some((d) => d.dropped && d.state === 'connected')).toBe(true);
    rx.received.length = 0;

    emu.state.setWebhookFaults([{ action: 'reorder', states: ['ringing'], times: 1 }]);
    expect((await callAndCollect('f-re')).map((e) => e.state)).toEqual([
      'calling',
      'connected',
      'ringing',
      'hangup',
    ]);
    rx.received.length = 0;

    emu.state.setWebhookFaults([{ action: 'delay', states: ['calling'], delayMs: 1000 }]);
    expect((await callAndCollect('f-delay')).map((e) => e.state)).toEqual([
      'ringing',
      'connected',
      'hangup',
      'calling',
    ]);
  });

  it('API faults: an injected 503 then success; a held request times out at the client', async () => {
    const put = await fetch(`${emu.url}__emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: [{ route: 'initiate_call', status: 503, times: 1 }] }),
    });
    expect(put.status).toBe(200);
    expect((await initiate({ phone_number: '+14155550134', custom_data: 'a1' })).status).toBe(503);
    expect(emu.state.findCallByCustomData('a1')).toBeUndefined();
    expect((await initiate({ phone_number: '+14155550134', custom_data: 'a2' })).status).toBe(200);

    emu.state.setApiFaults([{ route: 'initiate_call', hang: true, times: 1 }]);
    await expect(
      initiate({ phone_number: '+14155550134' }, { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(emu.state.requestLog.entries.at(-1)).toMatchObject({ route: 'initiate_call', faulted: true });
  });

  it('API faults: a 502 after placing the call (the call plays out, its answer is replaced) and one before', async () => {
    emu.state.setApiFaults([{ route: 'initiate_call', status: 502, statusWhen: 'after', times: 1 }]);
    const res = await initiate({ phone_number: '+14155550134', custom_data: 'g-after' });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 502, message: 'Bad Gateway' } });
    await waitFor(
      () => emu.state.findCallByCustomData('g-after')?.states.includes('hangup'),
      'the call placed behind the 502 plays out',
    );
    await emu.state.deliveriesIdle();
    const events = (await Promise.all(rx.received.map(decode))).filter((e) => e.custom_data === 'g-after');
    expect(events.map((e) => e.state)).toEqual(['calling', 'ringing', 'connected', 'hangup']);

    emu.state.setApiFaults([{ route: 'initiate_call', status: 502, times: 1 }]);
    expect((await initiate({ phone_number: '+14155550134', custom_data: 'g-before' })).status).toBe(502);
    expect(emu.state.findCallByCustomData('g-before')).toBeUndefined();
    expect(emu.state.requestLog.entries.slice(-2)).toMatchObject([
      { route: 'initiate_call', status: 502, faulted: true },
      { route: 'initiate_call', status: 502, faulted: true },
    ]);
  });
});

describe('dialpad webhooks registered through the API', () => {
  it('POST /webhooks without a secret delivers plain JSON; subscriptions accept webhook_id and endpoint_id and filter by target', async () => {
    const rx = await startReceiver();
    const emu = await startDialpadEmulator({
      users: [USER, USER2],
      timings: FAST,
      rateLimitPerMin: null,
      apiKeys: ['k'],
    });
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${emu.url}api/v2/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
      const hook = await post('webhooks', { hook_url: rx.url });
      expect(hook.status).toBe(200);
      expect(hook.json).toMatchObject({ hook_url: rx.url, signature: { algo: 'HS256', type: 'jwt' } });
      const byOld = await post('subscriptions/call', {
        webhook_id: hook.json.id,
        call_states: ['hangup'],
        target_type: 'user',
        target_id: Number(USER2.id),
      });
      expect(byOld.status).toBe(200);
      expect(byOld.json).toMatchObject({
        call_states: ['hangup'],
        enabled: true,
        webhook: { id: hook.json.id },
      });
      expect(
        (
          await post('subscriptions/call', {
            endpoint_id: hook.json.id,
            call_states: ['calling'],
            target_type: 'user',
            target_id: USER.id,
          })
        ).status,
      ).toBe(200);
      expect((await post('subscriptions/call', { call_states: ['all'] })).status).toBe(400);

      for (const [user, cd] of [
        [USER, 'u1'],
        [USER2, 'u2'],
      ] as const) {
        const r = await fetch(`${emu.url}api/v2/users/${user.id}/initiate_call?apikey=k`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ phone_number: '+14155550134', custom_data: cd }),
        });
        expect(r.status).toBe(200);
        await waitFor(() => emu.state.findCallByCustomData(cd)?.date_ended, 'end');
      }
      await emu.state.deliveriesIdle();
      expect(rx.received.every((r) => r.contentType === 'application/json')).toBe(true);
      const got = rx.received.map((r) => JSON.parse(r.body) as { custom_data: string; state: string });
      expect(got.map((e) => `${e.custom_data}:${e.state}`).sort()).toEqual(['u1:calling', 'u2:hangup']);
    } finally {
      await emu.close();
      await rx.close();
    }
  });
});
