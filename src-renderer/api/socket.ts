// The agent's WebSocket to the coordinator: authenticates with a short-lived ticket in its first message
// (never a token in the URL), resumes from the last processed seq, and reconnects with backoff + jitter
// when the connection drops. A heartbeat (PING every 15 s, no message for 40 s = dead) catches connections
// that die silently (a laptop lid, a NAT timeout). Every server message is parsed with ServerMessageSchema.
import {
  type ClientMessage,
  type ServerMessage,
  ServerMessageSchema,
  WS_PROTOCOL_VERSION,
} from '../../src-shared/contracts/ws';
import { backoffDelay } from './backoff';

export type SocketPhase = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface AgentSocketOptions {
  /** ws:// or wss:// URL of /ws. */
  url: string;
  getTicket: () => Promise<string>;
  getLastSeq: () => number | null;
  onMessage: (m: ServerMessage) => void;
  onPhase: (phase: SocketPhase, info: { attempt: number; retryAt: number | null }) => void;
  /** Called for AUTH_FAILED: the owner refreshes its token; false stops reconnecting (signed out). */
  onAuthFailed: () => Promise<boolean>;
  WebSocketImpl?: typeof WebSocket;
  random?: () => number;
  now?: () => number;
  pingEveryMs?: number;
  deadAfterMs?: number;
}

export class AgentSocket {
  readonly #o: AgentSocketOptions;
  #ws: WebSocket | null = null;
  #attempt = 0;
  #stopped = true;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #lastHeard = 0;

  constructor(o: AgentSocketOptions) {
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

  /** Reconnects now (the browser came back online, or the agent pressed Retry). */
  reconnectNow(): void {
    if (this.#stopped) return;
    if (this.#retryTimer) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
      void this.#connect();
    }
  }

  /** Drops the connection as a network failure would (used by the diagnostics and the e2e tests). */
  drop(): void {
    this.#ws?.close(4000, 'dropped');
  }

  send(m: ClientMessage): void {
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
      this.send({ v: WS_PROTOCOL_VERSION, type: 'AUTH', ticket, lastSeq: this.#o.getLastSeq() });
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (ws !== this.#ws) return;
      this.#lastHeard = this.#now();
      let raw: unknown;
      try {
        raw = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      const parsed = ServerMessageSchema.safeParse(raw);
      if (!parsed.success) return; // an unknown message is ignored, never applied half-understood
      const m = parsed.data;
      if (m.type === 'HELLO') {
        this.#attempt = 0;
        this.#startHeartbeat();
        this.#o.onPhase('open', { attempt: 0, retryAt: null });
      } else if (m.type === 'AUTH_FAILED') {
        void this.#authFailed();
        return;
      }
      this.#o.onMessage(m);
    };
    ws.onclose = () => {
      if (ws !== this.#ws) return;
      this.#ws = null;
      this.#stopHeartbeat();
      this.#scheduleRetry();
    };
    ws.onerror = () => {
      // onclose follows; nothing to do here
    };
  }

  async #authFailed(): Promise<void> {
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, 'auth failed');
    this.#stopHeartbeat();
    if (await this.#o.onAuthFailed()) this.#scheduleRetry();
    else this.stop();
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
      this.send({ v: WS_PROTOCOL_VERSION, type: 'PING', t: this.#now() });
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
