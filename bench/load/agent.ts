// One simulated agent of the load benchmark, as the agent UI drives the coordinator: start the session,
// open the WebSocket (ticket + AUTH), PLAY, then for every call wait for SHOW_DISPO and send the
// disposition at once; the answer carries the chained call (committed; Dialpad is asked after the answer,
// and the call's first CALL_STATE event says Dialpad accepted it: dispoToCallPlacedMs). When told to
// stop: PAUSE, dispose the last call, STOP. Every answer is checked with a small zod schema of the fields the agent uses.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { z } from 'zod';
import { type JsonHttpClient, StaleSocketError } from './http-client.js';
import type { AcceptedDisposition } from './report.js';

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CallLite = z.object({ callId: z.string(), state: z.string() });
const NextLite = z.object({
  kind: z.string(),
  call: CallLite.optional(),
  preview: z.object({ lead: z.object({ rowNumber: z.number(), attemptCount: z.number() }) }).optional(),
});
const SessionLite = z.object({ tabTitle: z.string(), state: z.string() });
const StartResponse = z.object({ session: SessionLite });
const StateResponse = z.object({ session: SessionLite, next: NextLite });
const DispoResponse = z.object({ next: NextLite });
const CurrentResponse = z.object({ call: CallLite.nullable() });
const TicketResponse = z.object({ ticket: z.string() });
const HangupResponse = z.object({ callId: z.string(), result: z.string() });
const WsMessage = z.object({
  type: z.string(),
  event: z
    .object({
      type: z.string(),
      call: z.object({ callId: z.string(), suggestedDisposition: z.string().nullable() }).optional(),
      code: z.string().optional(),
    })
    .optional(),
});

/** What every agent of one load generator adds to. */
export interface AgentMetrics {
  windowStart: number;
  windowEnd: number;
  dispositionsInWindow: number;
  dispoToNextCallMs: number[];
  /** When each dispoToNextCallMs sample's request was sent (epoch ms), same order. */
  dispoSentAt: number[];
  /** Disposition sent → the chained call's first CALL_STATE event (sent once Dialpad accepted the call). */
  dispoToCallPlacedMs: number[];
  showDispoAt: [string, number][];
  accepted: AcceptedDisposition[];
  sessionStartMs: number[];
  errors: Record<string, number>;
}

export const inWindow = (m: AgentMetrics, t: number): boolean => t >= m.windowStart && t <= m.windowEnd;

interface LiveCall {
  callId: string;
  row: number;
  attemptBefore: number;
}

/** As the agent UI's outbox (src-renderer/app/outbox.ts): Retry-After (≥ 0.5 s) plus up to 0.5 s of jitter,
 *  at most 60 s; without one, exponential backoff from 1 s up to 10 s. */
const retryDelayMs = (retryAfterS: number | null, attempt: number): number =>
  retryAfterS !== null
    ? Math.min(60_000, Math.max(500, retryAfterS * 1000) + Math.random() * 500)
    : Math.min(10_000, 1000 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random() / 2);

const RETRY_CODES = new Set(['NO_ANSWER', 'VM_OR_NA_UNKNOWN', 'VM_SAME_NAME']);

export class BenchAgent {
  readonly #email: string;
  readonly #http: JsonHttpClient;
  readonly #wsUrl: string;
  readonly #token: string;
  readonly #m: AgentMetrics;
  readonly #showDispoTimeoutMs: number;
  readonly #hangUpAtStop: boolean;
  #tab = '';
  #ws: WebSocket | null = null;
  #call: LiveCall | null = null;
  /** SHOW_DISPO arrivals not yet consumed: callId → [epoch ms, suggested code]. */
  readonly #shown = new Map<string, [number, string | null]>();
  /** First CALL_STATE arrival per call id (epoch ms): Dialpad accepted that call. */
  readonly #placedAt = new Map<string, number>();
  /** The chained call whose placement is awaited: its id and when its disposition was sent. */
  #placing: { callId: string; sentAt: number } | null = null;
  #wake: (() => void) | null = null;
  #stopping = false;
  readonly #startDeadline: number;
  readyAt: number | null = null;

  constructor(o: {
    email: string;
    http: JsonHttpClient;
    baseUrl: string;
    token: string;
    metrics: AgentMetrics;
    showDispoTimeoutMs: number;
    /** Hang the live call up when told to stop (the idle pace: calls that would talk for an hour). */
    hangUpAtStop?: boolean;
    /** Epoch ms after which a session start still being refused is given up. */
    startDeadline: number;
  }) {
    this.#startDeadline = o.startDeadline;
    this.#email = o.email;
    this.#http = o.http;
    this.#wsUrl = `${o.baseUrl.replace(/^http/, 'ws')}/ws`;
    this.#token = o.token;
    this.#m = o.metrics;
    this.#showDispoTimeoutMs = o.showDispoTimeoutMs;
    this.#hangUpAtStop = o.hangUpAtStop ?? false;
  }

  #error(kind: string): void {
    this.#m.errors[kind] = (this.#m.errors[kind] ?? 0) + 1;
  }

  async #call_<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
  ): Promise<T | null> {
    // One key per intent: a retry after a network error is the same request, as the UI's outbox sends it.
    const key = randomUUID();
    let networkErrors = 0;
    for (let attempt = 0; attempt < 10_000; attempt += 1) {
      let res: Awaited<ReturnType<JsonHttpClient['send']>>;
      try {
        res = await this.#http.send(method, path, body, {
          authorization: `Bearer ${this.#token}`,
          ...(method === 'POST' ? { 'idempotency-key': key } : {}),
        });
      } catch (e) {
        // A reused keep-alive socket the server had just closed: retried at once with the same key, as any
        // HTTP client does; listed, not counted. Any other network failure is an error.
        if (e instanceof StaleSocketError) this.#error(`retried:${path}:stale-keep-alive-socket`);
        else this.#error(`http:${path}:${e instanceof Error ? e.message.slice(0, 40) : 'error'}`);
        networkErrors += 1;
        if (networkErrors > 3) return null;
        continue;
      }
      // A start that must wait says so (Retry-After): wait as the UI does; not an error. Without
      // Retry-After the agent backs off as the UI's outbox does, and that answer counts as an error.
      if (res.status === 429 || res.status === 503) {
        if (res.retryAfterS !== null) this.#error(`waited:${path}:${res.status}`);
        else this.#error(`http:${path}:${res.status}:no-retry-after`);
        if (this.readyAt === null && now() > this.#startDeadline) {
          this.#error(`http:${path}:gave-up-at-start-timeout`);
          return null;
        }
        await sleep(retryDelayMs(res.retryAfterS, attempt));
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        const code = z.object({ error: z.object({ code: z.string() }) }).safeParse(res.body);
        this.#error(`http:${path}:${res.status}:${code.success ? code.data.error.code : ''}`);
        return null;
      }
      const parsed = schema.safeParse(res.body);
      if (!parsed.success) {
        this.#error(`http:${path}:bad-response`);
        return null;
      }
      return parsed.data;
    }
    this.#error(`http:${path}:gave-up-waiting`);
    return null;
  }

  #take(next: z.infer<typeof NextLite>): void {
    this.#call =
      next.kind === 'call' && next.call && next.preview
        ? {
            callId: next.call.callId,
            row: next.preview.lead.rowNumber,
            attemptBefore: next.preview.lead.attemptCount,
          }
        : null;
  }

  async #openSocket(): Promise<void> {
    const t = await this.#call_('POST', '/ws/ticket', {}, TicketResponse);
    if (!t) throw new Error('no ws ticket');
    const ws = new WebSocket(this.#wsUrl);
    this.#ws = ws;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ws HELLO timeout')), 30_000);
      ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: 'AUTH', ticket: t.ticket, lastSeq: null })));
      ws.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      ws.on('message', (data) => {
        const m = WsMessage.safeParse(JSON.parse(String(data)));
        if (!m.success) return this.#error('ws:bad-message');
        if (m.data.type === 'HELLO') {
          clearTimeout(timer);
          resolve();
        } else if (m.data.type === 'AUTH_FAILED') this.#error('ws:AUTH_FAILED');
        else if (m.data.type === 'RESYNC_REQUIRED') this.#error('ws:RESYNC_REQUIRED');
        else if (m.data.type === 'EVENT' && m.data.event) this.#onEvent(m.data.event);
      });
      ws.on('close', (code) => {
        if (!this.#stopping) this.#error(`ws:closed:${code}`);
      });
    });
  }

  #onEvent(e: z.infer<typeof WsMessage>['event'] & {}): void {
    if (e.type === 'ERROR' || e.type === 'DIAL_FAILED') this.#error(`ws:${e.type}:${e.code ?? ''}`);
    if (e.type === 'CALL_STATE' && e.call && !this.#placedAt.has(e.call.callId)) {
      this.#placedAt.set(e.call.callId, now());
      this.#notePlaced();
    }
    if (e.type !== 'SHOW_DISPO' || !e.call) return;
    const at = now();
    this.#placedAt.delete(e.call.callId);
    this.#shown.set(e.call.callId, [at, e.call.suggestedDisposition]);
    if (inWindow(this.#m, at)) this.#m.showDispoAt.push([e.call.callId, at]);
    this.#wake?.();
  }

  /** The awaited chained call was placed (its CALL_STATE may come before or after the HTTP answer). */
  #notePlaced(): void {
    const p = this.#placing;
    const at = p ? this.#placedAt.get(p.callId) : undefined;
    if (!p || at === undefined) return;
    this.#placing = null;
    if (inWindow(this.#m, p.sentAt)) this.#m.dispoToCallPlacedMs.push(at - p.sentAt);
  }

  /** Session start, WebSocket, PLAY: resolves when the first call is dialed (or throws). */
  async start(): Promise<void> {
    const t0 = now();
    const s = await this.#call_('POST', '/session/start', {}, StartResponse);
    if (!s) throw new Error(`${this.#email}: session start failed`);
    this.#m.sessionStartMs.push(now() - t0);
    this.#tab = s.session.tabTitle;
    await this.#openSocket();
    const played = await this.#call_('POST', '/session/state', { state: 'PLAY' }, StateResponse);
    if (!played) throw new Error(`${this.#email}: PLAY failed`);
    this.#take(played.next);
    if (!this.#call) {
      const dialed = await this.#call_('POST', '/dial', {}, NextLite);
      if (dialed) this.#take(dialed);
    }
    if (!this.#call) throw new Error(`${this.#email}: no first call`);
    this.readyAt = now();
  }

  async #waitShown(callId: string): Promise<[number, string | null] | null> {
    const deadline = now() + this.#showDispoTimeoutMs;
    for (;;) {
      const hit = this.#shown.get(callId);
      if (hit) {
        this.#shown.delete(callId);
        return hit;
      }
      const left = deadline - now();
      if (left <= 0) return null;
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.#wake = () => {
          clearTimeout(timer);
          r();
        };
      });
      this.#wake = null;
    }
  }

  /** Cycles until stopped: SHOW_DISPO → disposition (→ the chained call). */
  async run(): Promise<void> {
    while (this.#call || !this.#stopping) {
      const call = this.#call;
      if (!call) {
        await sleep(1000);
        const dialed = await this.#call_('POST', '/dial', {}, NextLite);
        if (dialed) this.#take(dialed);
        continue;
      }
      const shown = await this.#waitShown(call.callId);
      if (!shown) {
        this.#error('timeout:SHOW_DISPO');
        const cur = await this.#call_('GET', '/session/current', undefined, CurrentResponse);
        if (cur?.call?.callId !== call.callId) this.#call = null;
        else if (cur.call.state !== 'ENDED') continue;
      }
      const suggested = shown?.[1] ?? null;
      const code = suggested && RETRY_CODES.has(suggested) ? suggested : 'VM_SAME_NAME';
      const t0 = now();
      const res = await this.#call_('POST', '/disposition', { callId: call.callId, code }, DispoResponse);
      const t1 = now();
      if (!res) {
        this.#call = null;
        continue;
      }
      this.#m.accepted.push({
        callId: call.callId,
        tab: this.#tab,
        row: call.row,
        attemptAfter: call.attemptBefore + 1,
        acceptedAt: t1,
      });
      if (inWindow(this.#m, t0)) {
        this.#m.dispositionsInWindow += 1;
        if (res.next.kind === 'call') {
          this.#m.dispoToNextCallMs.push(t1 - t0);
          this.#m.dispoSentAt.push(t0);
        }
      }
      if (res.next.kind === 'call' && res.next.call) {
        this.#placing = { callId: res.next.call.callId, sentAt: t0 };
        this.#notePlaced();
      }
      if (res.next.kind !== 'call' && !this.#stopping) this.#error(`next:${res.next.kind}`);
      this.#take(res.next);
    }
    await this.#call_('POST', '/session/state', { state: 'STOP' }, StateResponse);
    this.#ws?.close();
  }

  /** PAUSE (no more chained dials); run() ends once the last call is disposed (hung up first when the
   *  pace's calls would outlast the wind-down). */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.readyAt === null) return;
    await this.#call_('POST', '/session/state', { state: 'PAUSE' }, StateResponse);
    const call = this.#call;
    if (this.#hangUpAtStop && call)
      await this.#call_('POST', '/call/hangup', { callId: call.callId }, HangupResponse);
  }
}
