// Agents running full cycles (PLAY → the call plays out → SHOW_DISPO → disposition → the next call) against
// whichever coordinator instances are up, as a client behind a load balancer would: a request that gets no
// answer (instance killed) or a 5xx/429/409-in-progress is retried, with the SAME Idempotency-Key, on the
// next instance after a short pause. The driver reads its state from GET /session/current, so it survives
// any crash without remembering anything. Faults of the client's own making ride along: every disposition
// is sent twice at once (same key), every fourth once more later under a new key (a reconnect that lost the
// answer), and PLAY is double-clicked. On PLAY with nothing happening (a dial Dialpad refused after the
// answer), the agent asks for the next lead again, as the app's idle watchdog does. What was accepted is
// recorded for the invariants.
import { randomUUID } from 'node:crypto';
import { HTTP_API, type RouteName, TokenPairSchema } from '../../../../src-shared/contracts/http.js';
import type { LeadPreview } from '../../../../src-shared/contracts/views.js';
import type { DispositionCode } from '../../../../src-shared/domain/disposition.js';
import { call } from '../../api/support/harness.js';

export interface Accepted {
  agent: string;
  callId: string;
  code: DispositionCode;
  preview: LeadPreview;
  numberIndex: number;
}

export interface LoadStats {
  requests: number;
  retried: number;
  fiveXx: number;
  /** 5xx answers that came without Retry-After (an outage must say when to come back). */
  fiveXxWithoutRetryAfter: number;
  /** Requests that got no answer within the client timeout (a hang, not a refusal). */
  hung: number;
  /** Requests that got no answer because no instance was up (a killed instance). */
  noAnswer: number;
  dispositions: number;
  duplicateSends: number;
}

const CODES: readonly DispositionCode[] = [
  'NO_ANSWER',
  'WRONG',
  'VM_SAME_NAME',
  'VM_OR_NA_UNKNOWN',
  'CORRECT',
];
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Longer than the coordinator's own longest wait (a duplicate waits up to 25 s for the first request). */
const CLIENT_TIMEOUT_MS = 30_000;
/** On PLAY with no call this long, ask for the next lead (the app's watchdog: 3–5 s, then backing off). */
const IDLE_WATCHDOG_MS = 1_000;

export class LoadAgent {
  token = '';
  /** The agent's tab (from session start). */
  tab = { spreadsheetId: '', tabTitle: '' };
  readonly accepted: Accepted[] = [];
  #disposed = new Set<string>();
  #turn = 0;

  constructor(
    readonly email: string,
    private readonly urls: () => string[],
    private readonly stats: LoadStats,
  ) {}

  /** One request, retried across instances until it gets a final answer (2xx or a definite 4xx). */
  async send(name: RouteName, body: unknown, key?: string): Promise<{ status: number; body: unknown }> {
    const route = HTTP_API[name];
    for (let attempt = 0; ; attempt += 1) {
      const urls = this.urls();
      const base = urls[(this.#turn + attempt) % Math.max(urls.length, 1)];
      if (attempt > 0) this.stats.retried += 1;
      if (!base) {
        this.stats.noAnswer += 1;
        await pause(200);
        continue;
      }
      this.stats.requests += 1;
      let r: Awaited<ReturnType<typeof call>>;
      try {
        r = await Promise.race([
          call(`${base}${route.path}`, {
            method: route.method,
            ...(this.token ? { token: this.token } : {}),
            ...(route.method === 'POST' ? { body: body ?? {} } : {}),
            ...(route.idempotent ? { key: key ?? `ld-${randomUUID()}` } : {}),
          }),
          pause(CLIENT_TIMEOUT_MS).then(() => {
            throw new Error('hung');
          }),
        ]);
      } catch (e) {
        if (e instanceof Error && e.message === 'hung') this.stats.hung += 1;
        else this.stats.noAnswer += 1;
        await pause(150);
        continue;
      }
      const code = (r.body as { error?: { code?: string } } | null)?.error?.code;
      if (r.status >= 500) {
        this.stats.fiveXx += 1;
        if (!r.headers.get('retry-after')) this.stats.fiveXxWithoutRetryAfter += 1;
      }
      const transient =
        r.status >= 500 || r.status === 429 || code === 'IDEMPOTENCY_IN_PROGRESS' || code === 'LOCKED';
      if (!transient) {
        this.#turn += 1;
        return { status: r.status, body: r.body };
      }
      await pause(r.status === 429 || r.status === 503 ? 400 : 150);
    }
  }

  async login(): Promise<void> {
    const r = await this.send('login', { demoEmail: this.email });
    if (r.status !== 200) throw new Error(`login ${this.email}: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = TokenPairSchema.parse(r.body).accessToken;
    const start = await this.send('sessionStart', {});
    if (start.status !== 200)
      throw new Error(`start ${this.email}: ${start.status} ${JSON.stringify(start.body)}`);
    const { spreadsheetId, tabTitle } = HTTP_API.sessionStart.response.parse(start.body).session;
    this.tab = { spreadsheetId, tabTitle };
  }

  /** Full cycles until `until()` says stop; then PAUSE and dispose whatever call is left. */
  async run(until: () => boolean): Promise<void> {
    let settled = 0;
    let idleSince: number | null = null;
    for (;;) {
      const stopping = until();
      const cur = await this.send('sessionCurrent', undefined);
      if (cur.status !== 200)
        throw new Error(`${this.email} current: ${cur.status} ${JSON.stringify(cur.body)}`);
      const snap = HTTP_API.sessionCurrent.response.parse(cur.body);
      if (stopping && snap.session.state === 'PLAY') {
        await this.send('sessionState', { state: 'PAUSE' }, `pause-${randomUUID()}`);
        continue;
      }
      const c = snap.call;
      const idle = snap.session.state === 'PLAY' && (!c || c.state === 'DISPOSED');
      idleSince = idle ? (idleSince ?? Date.now()) : null;
      if (c && c.state === 'ENDED' && snap.preview) {
        await this.dispose(c.callId, c.numberIndex, snap.preview);
        continue;
      }
      if (c && c.state !== 'DISPOSED' && c.state !== 'ENDED') {
        await pause(60);
        continue;
      }
      if (stopping) {
        // Settled: no call left to dispose; give a late webhook one more look.
        settled += 1;
        if (settled >= 2) return;
        await pause(300);
        continue;
      }
      if (snap.session.state !== 'PLAY') {
        // Play double-clicked: two PLAYs at once, two keys (two clicks are two requests).
        await Promise.all([
          this.send('sessionState', { state: 'PLAY' }, `play-${randomUUID()}`),
          this.send('sessionState', { state: 'PLAY' }, `play-${randomUUID()}`),
        ]);
        continue;
      }
      if (idleSince !== null && Date.now() - idleSince >= IDLE_WATCHDOG_MS) {
        idleSince = null;
        await this.send('dial', {}, `watchdog-${randomUUID()}`);
        continue;
      }
      await pause(100);
    }
  }

  async dispose(callId: string, numberIndex: number, preview: LeadPreview): Promise<void> {
    const code =
      CODES[Number.parseInt(callId.replace(/\D/g, '').slice(-4) || '0', 10) % CODES.length] ?? 'WRONG';
    const body = { callId, code };
    const key = `dispo-${callId}`;
    const [a, b] = await Promise.all([
      this.send('disposition', body, key),
      this.send('disposition', body, key),
    ]);
    this.stats.duplicateSends += 1;
    this.stats.dispositions += 1;
    if (this.accepted.length % 4 === 3) {
      // A reconnect that lost the answer: the same disposition again under a new key.
      this.stats.duplicateSends += 1;
      await this.send('disposition', body, `dispo-again-${callId}`);
    }
    if (a.status !== 200 && b.status !== 200)
      throw new Error(`${this.email} dispose ${callId}: ${a.status} ${JSON.stringify(a.body)}`);
    if (this.#disposed.has(callId)) return;
    this.#disposed.add(callId);
    this.accepted.push({ agent: this.email, callId, code, preview, numberIndex });
  }
}

export const newLoadStats = (): LoadStats => ({
  requests: 0,
  retried: 0,
  fiveXx: 0,
  fiveXxWithoutRetryAfter: 0,
  hung: 0,
  noAnswer: 0,
  dispositions: 0,
  duplicateSends: 0,
});
