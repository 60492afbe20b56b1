// One WebSocket client for both pages (the agent's /ws, the console's /supervisor/ws): a short-lived ticket
// fetched before each connection and sent in the first message (never a token in the URL), reconnects with
// exponential backoff + full jitter (backoff.ts), a heartbeat (PING every 15 s, nothing heard for 40 s =
// dead, reconnect) that catches connections dying silently (a laptop lid, a NAT timeout), and the refusals:
// AUTH_FAILED refreshes the sign-in and retries (or stops when it cannot), a forbidden account stops for
// good. Each page brings its own protocol (schemas, the AUTH message with its resume point, which message
// means "accepted") and its own message handler; every message is parsed with the page's schema and an
// unknown one is dropped, never applied half-understood.
import type { z } from 'zod';
import { backoffDelay } from './backoff';

export type SocketPhase = 'connecting' | 'open' | 'reconnecting' | 'closed';
/** What a page's store shows: the phase, or 'idle' before the socket first started. */
export type SocketState = 'idle' | SocketPhase;

export interface SocketPhaseInfo {
  attempt: number;
  /** When the next attempt starts (epoch ms), while waiting for it; else null. */
  retryAt: number | null;
}

/** What a message means to the connection itself. */
export type SocketVerdict =
  /** The server accepted AUTH: backoff resets, the heartbeat starts, the phase is 'open'. */
  | 'accepted'
  /** The ticket was refused: the owner refreshes its sign-in, then the socket retries (or stops). */
  | 'refused'
  /** This account may not use this socket: stop for good (onForbidden). */
  | 'forbidden'
  /** The page's own business. */
  | null;

/** One page's side of the protocol. */
export interface SocketProtocol<In, Out> {
  schema: z.ZodType<In>;
  /** The first message of a connection: the ticket, and where to resume (read at that moment). */
  auth: (ticket: string) => Out;
  ping: (t: number) => Out;
  verdict: (m: In) => SocketVerdict;
  /** Close codes after which reconnecting cannot help: stop and call onForbidden. */
  forbiddenCloseCodes?: readonly number[];
}

export interface TicketSocketOptions {
  /** ws:// or wss:// URL of the socket. */
  url: string;
  getTicket: () => Promise<string>;
  onPhase: (phase: SocketPhase, info: SocketPhaseInfo) => void;
  /** Called for a refused ticket: the owner refreshes its token; false stops reconnecting (signed out). */
  onAuthFailed: () => Promise<boolean>;
  /** Called when the account is forbidden (by message or close code); the socket has stopped. */
  onForbidden?: () => void;
  WebSocketImpl?: typeof WebSocket;
  random?: () => number;
  now?: () => number;
  pingEveryMs?: number;
  deadAfterMs?: number;
}

export class TicketSocket<In, Out> {
  readonly #o: TicketSocketOptions;
  readonly #p: SocketProtocol<In, Out>;
  readonly #onMessage: (m: In) => void;
  #ws: WebSocket | null = null;
  #attempt = 0;
  #stopped = true;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #lastHeard = 0;

  constructor(protocol: SocketProtocol<In, Out>, onMessage: (m: In) => void, o: TicketSocketOptions) {
    this.#p = protocol;
    this.#onMessage = onMessage;
    this.#o = o;
  }

  get isOpen(): boolean {
    return this.#ws?.readyState === 1;
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
    this.#o.onPhase('closed', { attempt: 0, retryAt: null });
  }

  /** Skips the wait before the next attempt (the browser came back online, or Retry was pressed). */
  reconnectNow(): void {
    if (this.#stopped || !this.#retryTimer) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    void this.#connect();
  }

  /** Closes the live connection and connects again at once (a seq gap: the next AUTH resumes afresh). */
  reconnect(): void {
    if (this.#stopped) return;
    this.#detach('resync');
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    void this.#connect();
  }

  /** Drops the connection as a network failure would: it reconnects with backoff and resumes (the
   *  diagnostics and the e2e suites use it). */
  drop(): void {
    this.#ws?.close(4000, 'dropped');
  }

  send(m: Out): void {
    if (this.#ws?.readyState === 1) this.#ws.send(JSON.stringify(m));
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#o.onPhase(this.#attempt === 0 ? 'connecting' : 'reconnecting', {
      attempt: this.#attempt,
      retryAt: null,
    });
    let ticket: string;
    try {
      ticket = await this.#o.getTicket();
    } catch {
      this.#scheduleRetry();
      return;
    }
    if (this.#stopped) return;
    const Impl = this.#o.WebSocketImpl ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new Impl(this.#o.url);
    } catch {
      this.#scheduleRetry();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      this.#lastHeard = this.#now();
      this.send(this.#p.auth(ticket));
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (ws !== this.#ws) return;
      this.#lastHeard = this.#now();
      const m = this.#parse(ev.data);
      if (m === null) return;
      const verdict = this.#p.verdict(m);
      if (verdict === 'refused' || verdict === 'forbidden') {
        void this.#refused(verdict === 'forbidden');
        return;
      }
      if (verdict === 'accepted') {
        this.#attempt = 0;
        this.#startHeartbeat();
        this.#o.onPhase('open', { attempt: 0, retryAt: null });
      }
      this.#onMessage(m);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (ws !== this.#ws) return;
      this.#ws = null;
      this.#stopHeartbeat();
      if (this.#p.forbiddenCloseCodes?.includes(ev.code)) this.#forbidden();
      else this.#scheduleRetry();
    };
    ws.onerror = () => {
      // onclose follows; nothing to do here
    };
  }

  #parse(data: unknown): In | null {
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      return null;
    }
    const parsed = this.#p.schema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }

  async #refused(forbidden: boolean): Promise<void> {
    this.#detach('auth failed');
    if (forbidden) this.#forbidden();
    else if (await this.#o.onAuthFailed()) this.#scheduleRetry();
    else this.stop();
  }

  #forbidden(): void {
    this.stop();
    this.#o.onForbidden?.();
  }

  /** Forgets the live connection (its late events are ignored) and closes it. */
  #detach(reason: string): void {
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, reason);
    this.#stopHeartbeat();
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retryTimer) return;
    const delay = backoffDelay(this.#attempt, (this.#o.random ?? Math.random)());
    this.#attempt += 1;
    const retryAt = this.#now() + delay;
    this.#o.onPhase('reconnecting', { attempt: this.#attempt, retryAt });
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
      if (this.#now() - this.#lastHeard > dead) {
        this.drop();
        return;
      }
      this.send(this.#p.ping(this.#now()));
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

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }
}
