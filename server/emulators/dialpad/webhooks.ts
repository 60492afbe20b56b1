// Webhooks and call-event subscriptions (POST /api/v2/webhooks, /api/v2/subscriptions/call) and the
// delivery of call events to them: an HS256 JWT body (Content-Type application/jwt) when the hook has a
// secret (signed with node:crypto, sent over keep-alive connections), plain JSON otherwise; in order per
// call and hook unless a fault says otherwise; retried on network errors and 5xx; every attempt recorded.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from '../common/log.js';
import { sleep } from '../common/http.js';
import { WebhookFaultInjector } from './webhook-faults.js';
import type { Rng } from '../common/rng.js';

export interface Webhook {
  id: string;
  hook_url: string;
  secret: string | undefined;
}

export interface CallSubscription {
  id: string;
  webhookId: string;
  call_states: string[];
  enabled: boolean;
  group_calls_only: boolean;
  target_id: string | undefined;
  target_type: string | undefined;
}

export interface DeliveryRecord {
  at: number;
  hookId: string;
  url: string;
  callId: number;
  state: string;
  /** The call's custom_data (how a caller finds its own call's deliveries). */
  customData: string | null;
  /** 0 for the original send, 1.. for injected duplicates. */
  copy: number;
  attempt: number;
  /** HTTP status, or 0 on a network error; null when the event was dropped by a fault. */
  status: number | null;
  dropped: boolean;
  /** Epoch ms with sub-ms precision (performance.timeOrigin + performance.now()) just before the POST
   *  was written; absent for a dropped event. Comparable with the same clock in another local process. */
  sentAt?: number;
  error?: string;
}

export interface DeliveryOptions {
  /** Extra attempts after a network error or 5xx (default 2). 4xx are not retried. */
  retries: number;
  /** Seconds between iat and exp in the JWT; null = no iat/exp claims (default 300). */
  jwtTtlSec: number | null;
  /** Per attempt (default 5000 ms). */
  timeoutMs: number;
}

/** The hook as the API shows it (int64 ids as strings, as Dialpad's JSON does). */
export function webhookView(h: Webhook) {
  return {
    id: h.id,
    hook_url: h.hook_url,
    signature: { algo: 'HS256', secret: h.secret ?? null, type: 'jwt' },
  };
}

export function subscriptionView(s: CallSubscription, hook: Webhook | undefined) {
  return {
    id: s.id,
    call_states: s.call_states,
    enabled: s.enabled,
    group_calls_only: s.group_calls_only,
    target_id: s.target_id ?? null,
    target_type: s.target_type ?? null,
    webhook: hook ? webhookView(hook) : null,
  };
}

const IDLE_SOCKET_MS = 4000;

interface Held {
  send: () => void;
  timer: NodeJS.Timeout;
}

export class WebhookHub {
  readonly hooks = new Map<string, Webhook>();
  readonly subscriptions = new Map<string, CallSubscription>();
  /** Subscriptions by target user id ('' = untargeted): an event looks at its user's and the untargeted
   *  ones only, so per-user subscriptions of a large team cost nothing per event. */
  readonly #byTarget = new Map<string, CallSubscription[]>();
  readonly faults: WebhookFaultInjector;
  deliveries: DeliveryRecord[] = [];
  readonly #opts: DeliveryOptions;
  readonly #log: Logger;
  #nextId = 1000;
  /** hook+call → tail of its in-order delivery chain. */
  readonly #chains = new Map<string, Promise<void>>();
  /** hook+call → an event held back by a reorder fault until the next one is sent. */
  readonly #held = new Map<string, Held>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inflight = new Set<Promise<void>>();
  #closed = false;
  /** Keep-alive pools whose idle sockets close after 4 s, before a Node server's 5 s keepAliveTimeout does
   *  (a POST written on a socket the server is closing fails with ECONNRESET). */
  readonly #agents = {
    http: new Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    https: new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };

  constructor(rng: Rng, opts: DeliveryOptions, log: Logger) {
    this.faults = new WebhookFaultInjector(rng);
    this.#opts = opts;
    this.#log = log;
  }

  createWebhook(hookUrl: string, secret: string | undefined): Webhook {
    const hook = { id: String(this.#nextId++), hook_url: hookUrl, secret };
    this.hooks.set(hook.id, hook);
    return hook;
  }

  subscribe(s: Omit<CallSubscription, 'id'>): CallSubscription {
    const sub = { ...s, id: String(this.#nextId++) };
    this.subscriptions.set(sub.id, sub);
    const target = sub.target_id === undefined ? '' : sub.target_id;
    this.#byTarget.set(target, [...(this.#byTarget.get(target) ?? []), sub]);
    return sub;
  }

  /** Hooks that want this event: enabled subscription, state selected (or `all`/none), target matching. */
  #targets(event: { state: string; targetUserId: string }): Webhook[] {
    const out = new Map<string, Webhook>();
    const candidates = [...(this.#byTarget.get('') ?? []), ...(this.#byTarget.get(event.targetUserId) ?? [])];
    for (const s of candidates) {
      if (!s.enabled) continue;
      if (s.call_states.length && !s.call_states.includes('all') && !s.call_states.includes(event.state))
        continue;
      if (s.target_id !== undefined && !(s.target_type === 'user' && s.target_id === event.targetUserId))
        continue;
      const hook = this.hooks.get(s.webhookId);
      if (hook) out.set(hook.id, hook);
    }
    return [...out.values()];
  }

  /** Queues one call event for every subscribed hook, applying delivery faults. */
  publish(event: Record<string, unknown> & { call_id: number; state: string }, targetUserId: string): void {
    if (this.#closed) return;
    for (const hook of this.#targets({ state: event.state, targetUserId })) {
      const key = `${hook.id}:${event.call_id}`;
      const d = this.faults.decide(event.state);
      const customData = typeof event.custom_data === 'string' ? event.custom_data : null;
      const base = {
        hookId: hook.id,
        url: hook.hook_url,
        callId: event.call_id,
        state: event.state,
        customData,
      };
      if (d.drop) {
        this.deliveries.push({ ...base, at: Date.now(), copy: 0, attempt: 0, status: null, dropped: true });
        this.#log.info({ callId: event.call_id, state: event.state }, 'fault: webhook dropped');
        continue;
      }
      const body = this.#encode(hook, event);
      const sendAll = async () => {
        const b = await body;
        for (let copy = 0; copy <= d.copies; copy += 1) await this.#deliver(hook, b, { ...base, copy });
      };
      const enqueue = () => {
        const tail = (this.#chains.get(key) ?? Promise.resolve()).then(sendAll);
        this.#chains.set(key, tail);
        this.#track(tail);
        // Forget a finished chain (unless a later event extended it), so the map holds live calls only.
        const forget = () => {
          if (this.#chains.get(key) === tail) this.#chains.delete(key);
        };
        tail.then(forget, forget);
      };
      // Anything held back for this call goes out right after this event: that is the reordering.
      const held = this.#held.get(key);
      if (d.delayMs > 0) {
        // Sent out of band: later events of the call overtake it.
        this.#later(d.delayMs, () => this.#track(sendAll()));
      } else if (d.reorder) {
        const timer = this.#later(250, () => {
          this.#held.delete(key);
          enqueue();
        });
        this.#held.set(key, { send: enqueue, timer });
      } else {
        enqueue();
      }
      if (held && !d.reorder) {
        clearTimeout(held.timer);
        this.#timers.delete(held.timer);
        this.#held.delete(key);
        held.send();
      }
    }
  }

  async #encode(
    hook: Webhook,
    event: Record<string, unknown>,
  ): Promise<{ text: string; contentType: string }> {
    if (!hook.secret) return { text: JSON.stringify(event), contentType: 'application/json' };
    const claims: Record<string, unknown> = { ...event };
    if (this.#opts.jwtTtlSec !== null) {
      const iat = Math.floor(Date.now() / 1000);
      claims.iat = iat;
      claims.exp = iat + this.#opts.jwtTtlSec;
    }
    return { text: signHs256(claims, hook.secret), contentType: 'application/jwt' };
  }

  async #deliver(
    hook: Webhook,
    body: { text: string; contentType: string },
    base: Omit<DeliveryRecord, 'at' | 'attempt' | 'status' | 'dropped'>,
  ): Promise<void> {
    for (let attempt = 1; attempt <= this.#opts.retries + 1 && !this.#closed; attempt += 1) {
      const rec: DeliveryRecord = {
        ...base,
        at: Date.now(),
        attempt,
        status: 0,
        dropped: false,
        sentAt: performance.timeOrigin + performance.now(),
      };
      try {
        rec.status = await postOnce(this.#agents, hook.hook_url, body, this.#opts.timeoutMs);
        this.deliveries.push(rec);
        if (rec.status < 500) return;
      } catch (e) {
        rec.error = e instanceof Error ? e.message : String(e);
        this.deliveries.push(rec);
      }
      this.#log.warn(
        { callId: base.callId, state: base.state, status: rec.status, attempt, error: rec.error },
        'webhook delivery failed',
      );
      if (attempt <= this.#opts.retries) await sleep(100 * 2 ** (attempt - 1));
    }
  }

  #later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
    return t;
  }

  #track(p: Promise<void>): void {
    const tracked = p.catch((e: unknown) => this.#log.error({ err: e }, 'webhook delivery crashed'));
    this.#inflight.add(tracked);
    void tracked.finally(() => this.#inflight.delete(tracked));
  }

  /** Resolves when nothing is queued, held or in flight. */
  async idle(): Promise<void> {
    while (this.#inflight.size || this.#timers.size) {
      await Promise.all([...this.#inflight]);
      if (this.#timers.size) await sleep(20);
    }
  }

  close(): void {
    this.#closed = true;
    this.#agents.http.destroy();
    this.#agents.https.destroy();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#held.clear();
  }
}

/** A compact HS256 JWT (header {alg:'HS256', typ:'JWT'}) of `claims`: node:crypto's HMAC, synchronous,
 *  instead of WebCrypto's async sign, which cost the emulator more CPU per webhook than the coordinator. */
function signHs256(claims: Record<string, unknown>, secret: string): string {
  const head = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** One POST of a webhook body over a keep-alive connection; resolves with the status (body drained). */
function postOnce(
  keepAlive: { http: Agent; https: HttpsAgent },
  url: string,
  body: { text: string; contentType: string },
  timeoutMs: number,
): Promise<number> {
  const u = new URL(url);
  const tls = u.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (tls ? httpsRequest : request)(
      u,
      {
        method: 'POST',
        agent: tls ? keepAlive.https : keepAlive.http,
        headers: {
          'content-type': body.contentType,
          'content-length': Buffer.byteLength(body.text),
          'user-agent': 'Dialpad-Webhook-Emulator/1.0',
        },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body.text);
  });
}
