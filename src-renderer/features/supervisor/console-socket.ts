// The console's WebSocket to `/supervisor/ws`: a short-lived ticket in the first message (never a token in
// the URL), resume from the last applied seq of the same stream (else the server sends a fresh SNAPSHOT),
// reconnect with backoff + jitter, a heartbeat that catches a connection dying silently. Every message is
// parsed with SupervisorServerMessageSchema; an unknown one is dropped. A 4403 close (an agent's ticket,
// or a supervisor no longer listed) stops reconnecting: the page says "not a supervisor".
import {
  SUPERVISOR_WS_CLOSE,
  SUPERVISOR_WS_VERSION,
  type SupervisorClientMessage,
  type SupervisorServerMessage,
  SupervisorServerMessageSchema,
} from '../../../src-shared/contracts/supervisor';
import { backoffDelay } from '../../api/backoff';
import type { ConsoleSocketPhase } from './state';

export interface ConsoleSocketOptions {
  url: string;
  getTicket: () => Promise<string>;
  getResume: () => { stream: string; lastSeq: number } | null;
  onMessage: (m: SupervisorServerMessage) => void;
  onPhase: (phase: ConsoleSocketPhase, retryAt: number | null) => void;
  /** The server refused the ticket (AUTH_FAILED): refresh the token; false stops (signed out). */
  onAuthFailed: () => Promise<boolean>;
  /** Closed with 4403: this account may not watch the floor. */
  onForbidden: () => void;
  pingEveryMs?: number;
  deadAfterMs?: number;
}

export class ConsoleSocket {
  readonly #o: ConsoleSocketOptions;
  #ws: WebSocket | null = null;
  #attempt = 0;
  #stopped = true;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #lastHeard = 0;

  constructor(o: ConsoleSocketOptions) {
    this.#o = o;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#attempt = 0;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#clearTimers();
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, 'client stop');
    this.#o.onPhase('closed', null);
  }

  /** Drops the connection as a network failure would (it reconnects with backoff and resumes; the e2e
   *  suite uses it through window.__console). */
  drop(): void {
    this.#ws?.close(4000, 'dropped');
  }

  /** Drops the connection and reconnects at once (a seq gap: the next AUTH asks for a fresh snapshot). */
  reconnect(): void {
    if (this.#stopped) return;
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, 'resync');
    this.#stopHeartbeat();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    void this.#connect();
  }

  #send(m: SupervisorClientMessage): void {
    if (this.#ws?.readyState === 1) this.#ws.send(JSON.stringify(m));
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#o.onPhase(this.#attempt === 0 ? 'connecting' : 'reconnecting', null);
    let ticket: string;
    try {
      ticket = await this.#o.getTicket();
    } catch {
      this.#scheduleRetry();
      return;
    }
    if (this.#stopped) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#o.url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      this.#lastHeard = Date.now();
      this.#send({ v: SUPERVISOR_WS_VERSION, type: 'AUTH', ticket, resume: this.#o.getResume() });
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (ws !== this.#ws) return;
      this.#lastHeard = Date.now();
      let raw: unknown;
      try {
        raw = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      const parsed = SupervisorServerMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const m = parsed.data;
      if (m.type === 'AUTH_FAILED') {
        void this.#authFailed(m.code === 'FORBIDDEN');
        return;
      }
      if (m.type === 'SNAPSHOT' || m.type === 'RESUMED') {
        this.#attempt = 0;
        this.#startHeartbeat();
        this.#o.onPhase('open', null);
      }
      this.#o.onMessage(m);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (ws !== this.#ws) return;
      this.#ws = null;
      this.#stopHeartbeat();
      if (ev.code === SUPERVISOR_WS_CLOSE.FORBIDDEN) {
        this.stop();
        this.#o.onForbidden();
        return;
      }
      this.#scheduleRetry();
    };
  }

  async #authFailed(forbidden: boolean): Promise<void> {
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, 'auth failed');
    this.#stopHeartbeat();
    if (forbidden) {
      this.stop();
      this.#o.onForbidden();
    } else if (await this.#o.onAuthFailed()) this.#scheduleRetry();
    else this.stop();
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retryTimer) return;
    const delay = backoffDelay(this.#attempt, Math.random());
    this.#attempt += 1;
    this.#o.onPhase('reconnecting', Date.now() + delay);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#connect();
    }, delay);
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    const every = this.#o.pingEveryMs ?? 15_000;
    const dead = this.#o.deadAfterMs ?? 40_000;
    this.#pingTimer = setInterval(() => {
      if (Date.now() - this.#lastHeard > dead) {
        this.#ws?.close(4000, 'dead');
        return;
      }
      this.#send({ v: SUPERVISOR_WS_VERSION, type: 'PING', t: Date.now() });
    }, every);
  }

  #stopHeartbeat(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
  }

  #clearTimers(): void {
    this.#stopHeartbeat();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }
}
