// One agent of the supervisor browser test, driven over HTTP + WebSocket as the agent UI drives the
// coordinator (demo login, session start, ticket + AUTH, PLAY, disposition after a short wrap-up), recording
// every state change it sees with its epoch-ms time, in the console's words (DIALING, RINGING, IN_CALL,
// WRAP_UP, PAUSED, PLAYING), so the test can check the console showed each one in time.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { type AgentEvent, ServerMessageSchema } from '../../src-shared/contracts/ws';
import { HTTP_API, type ResponseBody, type RouteName } from '../../src-shared/contracts/http';
import type { SupervisorActionNotice } from '../../src-shared/contracts/supervisor';
import type { NextStep } from '../../src-shared/contracts/views';

export type DrivenState = 'PAUSED' | 'PLAYING' | 'DIALING' | 'RINGING' | 'IN_CALL' | 'WRAP_UP';

export interface Transition {
  email: string;
  state: DrivenState;
  at: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DrivenAgent {
  readonly email: string;
  readonly transitions: Transition[] = [];
  readonly errors: string[] = [];
  /** What supervisors did to this agent, as the agent was told (SUPERVISOR_ACTION events). */
  readonly notices: SupervisorActionNotice[] = [];
  #baseUrl: string;
  #token = '';
  #ws: WebSocket | null = null;
  #running = false;
  #pausedByOther = false;
  #last: DrivenState | null = null;
  #callId: string | null = null;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #shown: { callId: string; code: string | null } | null = null;

  constructor(
    baseUrl: string,
    email: string,
    readonly wrapUpMs: number,
  ) {
    this.#baseUrl = baseUrl;
    this.email = email;
  }

  get lastState(): DrivenState | null {
    return this.#last;
  }

  get pausedByOther(): boolean {
    return this.#pausedByOther;
  }

  async #call<N extends RouteName>(name: N, body: unknown = {}): Promise<ResponseBody<N>> {
    const route = HTTP_API[name];
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.#token) headers.Authorization = `Bearer ${this.#token}`;
    // One key per intent, kept across retries (a session-start storm answers 429/503 with Retry-After).
    if (route.idempotent) headers['Idempotency-Key'] = randomUUID();
    for (let attempt = 0; ; attempt += 1) {
      const res = await fetch(`${this.#baseUrl}${route.path}`, {
        method: route.method,
        headers,
        ...(route.method === 'POST' ? { body: JSON.stringify(body) } : {}),
      });
      const json: unknown = await res.json();
      if ((res.status === 429 || res.status === 503) && attempt < 60) {
        const after = Number(res.headers.get('Retry-After'));
        await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : 1000);
        continue;
      }
      if (!res.ok) throw new Error(`${this.email} ${route.path} → ${res.status} ${JSON.stringify(json)}`);
      return route.response.parse(json) as ResponseBody<N>;
    }
  }

  #record(state: DrivenState): void {
    if (state === this.#last) return;
    this.#last = state;
    this.transitions.push({ email: this.email, state, at: Date.now() });
  }

  #onNext(next: NextStep): void {
    if (next.kind === 'call') {
      this.#callId = next.call.callId;
      this.#record('DIALING');
    } else if (next.kind === 'idle') this.#record(next.sessionState === 'PLAY' ? 'PLAYING' : 'PAUSED');
    else this.#record('PLAYING');
  }

  /** Signs in, starts the session and opens the socket (the agent is then paused, not dialing). */
  async signIn(): Promise<void> {
    const pair = await this.#call('login', { demoEmail: this.email });
    this.#token = pair.accessToken;
    const snap = await this.#call('sessionStart');
    this.#record(snap.session.state === 'PLAY' ? 'PLAYING' : 'PAUSED');
    const { ticket } = await this.#call('wsTicket');
    const ws = new WebSocket(`${this.#baseUrl.replace(/^http/, 'ws')}/ws`);
    this.#ws = ws;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.email}: no HELLO`)), 30_000);
      ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'AUTH', ticket, lastSeq: snap.wsSeq })));
      ws.on('error', reject);
      ws.on('message', (data) => {
        const m = ServerMessageSchema.safeParse(JSON.parse(String(data)));
        if (!m.success) return;
        if (m.data.type === 'HELLO') {
          clearTimeout(timer);
          resolve();
        } else if (m.data.type === 'EVENT') this.#onEvent(m.data.event);
      });
    });
  }

  #onEvent(e: AgentEvent): void {
    if (e.type === 'CALL_STATE' && e.call.callId === this.#callId) {
      if (e.call.state === 'RINGING') this.#record('RINGING');
      else if (e.call.state === 'CONNECTED') this.#record('IN_CALL');
    } else if (e.type === 'SHOW_DISPO' && e.call.callId === this.#callId) {
      this.#record('WRAP_UP');
      this.#shown = { callId: e.call.callId, code: e.call.suggestedDisposition };
      this.#wake?.();
    } else if (e.type === 'SESSION_STATE' && e.session.state === 'PAUSE' && this.#running) {
      // Someone else (the supervisor) paused this session: the next disposition chains nothing.
      this.#pausedByOther = true;
    } else if (e.type === 'SUPERVISOR_ACTION') {
      this.notices.push(e.notice);
      if (e.notice.action === 'PAUSED') this.#pausedByOther = true;
    }
  }

  /** PLAY, then cycles: wait for the call to end, wrap up for `wrapUpMs`, dispose, take the chained call. */
  play(): void {
    this.#running = true;
    this.#loop = this.#cycles().catch((e) => {
      this.errors.push(e instanceof Error ? e.message : String(e));
    });
  }

  async #cycles(): Promise<void> {
    const { next } = await this.#call('sessionState', { state: 'PLAY' });
    this.#onNext(next);
    while (this.#running) {
      if (!this.#shown) {
        await new Promise<void>((r) => {
          this.#wake = r;
          setTimeout(r, 500);
        });
        continue;
      }
      const shown = this.#shown;
      this.#shown = null;
      await sleep(this.wrapUpMs);
      const answer = await this.#call('disposition', {
        callId: shown.callId,
        code: shown.code ?? 'NO_ANSWER',
      });
      this.#onNext(answer.next);
      if (answer.next.kind !== 'call' && this.#pausedByOther) this.#running = false;
    }
  }

  /** Stops the loop after the current step (the session stays as it is). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#ws?.close();
  }

  async sessionState(): Promise<string | null> {
    return (await this.#call('sessionCurrent')).session.state;
  }
}
