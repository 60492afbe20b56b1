// What a test agent does over the real wire: demo login, API calls with fresh idempotency keys (responses
// parsed with the HTTP_API schemas), a WebSocket that resumes from the snapshot's wsSeq; plus helpers for
// the emulators' admin endpoints (end a call, read a tab).
import { randomUUID } from 'node:crypto';
import { HTTP_API, type ResponseBody, type RouteName } from '../../../../src-shared/contracts/http.js';
import type { ServerMessage } from '../../../../src-shared/contracts/ws.js';
import { adminJson, endCall as endEmulatedCall } from '../../../../test/support/emulator-admin.js';
import { call } from './harness.js';
import { connectAgent, type TestSocket } from './ws-client.js';

export class TestAgent {
  token = '';
  constructor(
    readonly email: string,
    public baseUrl: string,
  ) {}

  async login(): Promise<this> {
    const r = await call(`${this.baseUrl}/auth/login`, { body: { demoEmail: this.email } });
    if (r.status !== 200) throw new Error(`login ${this.email}: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = HTTP_API.login.response.parse(r.body).accessToken;
    return this;
  }

  /** Raw call: status and body, never throws on 4xx. */
  raw(name: RouteName, body?: unknown, opts: { key?: string; baseUrl?: string } = {}) {
    const route = HTTP_API[name];
    return call(`${opts.baseUrl ?? this.baseUrl}${route.path}`, {
      method: route.method,
      token: this.token,
      ...(route.method === 'POST' ? { body: body ?? {} } : {}),
      ...(route.idempotent ? { key: opts.key ?? `t-${randomUUID()}` } : {}),
    });
  }

  /** Call that must succeed; the response is parsed with the route's schema. */
  async ok<N extends RouteName>(
    name: N,
    body?: unknown,
    opts: { key?: string; baseUrl?: string } = {},
  ): Promise<ResponseBody<N>> {
    const r = await this.raw(name, body, opts);
    if (r.status !== 200) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return HTTP_API[name].response.parse(r.body) as ResponseBody<N>;
  }

  socket(lastSeq: number | null, baseUrl = this.baseUrl): Promise<TestSocket> {
    return connectAgent(baseUrl, `${baseUrl.replace(/^http/, 'ws')}/ws`, this.token, lastSeq);
  }
}

export const isEvent =
  <T extends string>(
    type: T,
    pred: (e: Extract<ServerMessage, { type: 'EVENT' }>['event']) => boolean = () => true,
  ) =>
  (m: ServerMessage): boolean =>
    m.type === 'EVENT' && m.event.type === type && pred(m.event);

/** Calls ring fast and stay connected until the test ends them (deterministic). */
export async function manualCalls(dialpadUrl: string): Promise<void> {
  await adminJson(dialpadUrl, '/__emulator/timings', {
    method: 'PUT',
    body: JSON.stringify({ dialMs: 50, ringMs: 150, talkMs: 600_000, noAnswerMs: 600_000, jitter: 0 }),
  });
  await adminJson(dialpadUrl, '/__emulator/outcomes', {
    method: 'POST',
    body: JSON.stringify({ plan: { default: 'manual' } }),
  });
}

/** Ends the emulated call (the Dialpad user is free again) and waits until the coordinator has it ENDED. */
export async function hangUp(agent: TestAgent, dialpadUrl: string, callId: string): Promise<void> {
  await endCall(dialpadUrl, callId, 'hangup');
  const deadline = Date.now() + 20_000;
  while ((await agent.ok('sessionCurrent')).call?.state !== 'ENDED') {
    if (Date.now() > deadline) throw new Error(`call ${callId} never ended`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export { COL, emulatedCalls, tabValues } from '../../../../test/support/emulator-admin.js';

/** Ends the emulated call carrying our call id; the API suites give it 20 s to appear. */
export function endCall(dialpadUrl: string, callId: string, state: 'hangup' | 'voicemail' | 'missed') {
  return endEmulatedCall(dialpadUrl, callId, state, 20_000);
}
