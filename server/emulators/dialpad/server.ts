// The Dialpad API v2 emulator: `startDialpadEmulator` serves the API routes (Bearer or ?apikey= auth with
// one of the configured keys, else 401 as Dialpad;
// injected faults, request log) and the /__emulator/ admin API, and plays each initiated call's life as
// webhooks to every subscribed hook.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRule } from '../common/faults.js';
import { discardedResponse, handleAdminRequest, listen, readBody, sendJson, sleep } from '../common/http.js';
import { createEmulatorLogger, type Logger } from '../common/log.js';
import { createDialpadAdminRouter } from './admin.js';
import type { CallTimings, DialpadUser } from './calls.js';
import { DialpadApiError, dialpadErrorBody, UNAUTHENTICATED_MESSAGE } from './errors.js';
import type { OutcomePlan } from './outcomes.js';
import { createDialpadApiRouter } from './routes.js';
import { DialpadEmulatorState } from './state.js';
import type { WebhookFault } from './webhook-faults.js';
import type { DeliveryOptions } from './webhooks.js';

export interface DialpadEmulatorOptions {
  port?: number;
  host?: string;
  users: readonly DialpadUser[];
  /** Convenience: a webhook registered at start with a subscription to every call state of every user. */
  webhook?: { url: string; secret?: string };
  timings?: Partial<CallTimings>;
  outcomes?: OutcomePlan;
  faults?: { api?: readonly FaultRule[]; webhooks?: readonly WebhookFault[] };
  /** initiate_call per minute per target user; null disables the limit. Default 5 (Dialpad's). */
  rateLimitPerMin?: number | null;
  /** Refuse initiate_call while the user is on a live call (400 "User is currently on a call"). Default true. */
  rejectWhenBusy?: boolean;
  /** Webhook delivery: retries (default 2), jwtTtlSec (default 300; null = no iat/exp), timeoutMs (5000). */
  delivery?: Partial<DeliveryOptions>;
  /** The API keys Dialpad would accept (at least one); any other key, or none, is 401 like Dialpad. */
  apiKeys: readonly [string, ...string[]];
  /** The company's Dialpad numbers besides its users' (valid outbound_caller_id values). */
  companyNumbers?: readonly string[];
  /** Seeds call ids, outcome mixes, jitter and probabilistic faults. */
  seed?: number;
  logger?: Logger;
}

export interface DialpadEmulator {
  /** Base URL with a trailing slash; the API lives under `${url}api/v2/`. */
  url: string;
  port: number;
  state: DialpadEmulatorState;
  /** The pre-registered webhook's id when `webhook` was given. */
  webhookId: string | undefined;
  /** Closes every idle keep-alive connection now, as a server restarting or a load balancer draining does
   *  (a client that writes on one of them meets a closed socket). */
  closeIdleConnections(): void;
  close(): Promise<void>;
}

function apiKeyOf(req: IncomingMessage, url: URL): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? url.searchParams.get('apikey') ?? undefined;
}

export async function startDialpadEmulator(opts: DialpadEmulatorOptions): Promise<DialpadEmulator> {
  if (opts.apiKeys.length === 0 || opts.apiKeys.some((k) => !k)) throw new Error('apiKeys: at least one key');
  const log = opts.logger ?? createEmulatorLogger('dialpad-emulator');
  const state = new DialpadEmulatorState({
    users: opts.users,
    ...(opts.timings ? { timings: opts.timings } : {}),
    ...(opts.outcomes ? { outcomes: opts.outcomes } : {}),
    ...(opts.faults?.api ? { apiFaults: opts.faults.api } : {}),
    ...(opts.faults?.webhooks ? { webhookFaults: opts.faults.webhooks } : {}),
    ...(opts.rateLimitPerMin !== undefined ? { rateLimitPerMin: opts.rateLimitPerMin } : {}),
    ...(opts.rejectWhenBusy !== undefined ? { rejectWhenBusy: opts.rejectWhenBusy } : {}),
    ...(opts.delivery ? { delivery: opts.delivery } : {}),
    ...(opts.companyNumbers ? { companyNumbers: opts.companyNumbers } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    logger: log,
  });
  let webhookId: string | undefined;
  if (opts.webhook) {
    const hook = state.hub.createWebhook(opts.webhook.url, opts.webhook.secret);
    state.hub.subscribe({
      webhookId: hook.id,
      call_states: ['all'],
      enabled: true,
      group_calls_only: false,
      target_id: undefined,
      target_type: undefined,
    });
    webhookId = hook.id;
  }
  const api = createDialpadApiRouter(state, log);
  const admin = createDialpadAdminRouter(state);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (await handleAdminRequest(admin, req, res, method, url)) return;
    const m = api.match(method, path);
    if (!m) return sendJson(res, 404, dialpadErrorBody(404));
    if (m === 'method-not-allowed') return sendJson(res, 405, dialpadErrorBody(405, 'Method Not Allowed'));
    const route = m.route.name;
    let status = 200;
    let faulted = false;
    try {
      const body = await readBody(req);
      const key = apiKeyOf(req, url);
      if (!key) throw new DialpadApiError(401, UNAUTHENTICATED_MESSAGE.missing);
      if (!opts.apiKeys.includes(key)) throw new DialpadApiError(401, UNAUTHENTICATED_MESSAGE.unknown);
      const fault = state.apiFaults.decide(route);
      if (fault.latencyMs) await sleep(fault.latencyMs);
      if (fault.hang) {
        faulted = true;
        status = 0;
        // `after`: the request takes effect (the call is placed), and its answer never comes.
        if (fault.hang === 'after') {
          try {
            await m.route.handler({ req, res: discardedResponse(req), method, url, params: m.params, body });
          } catch {
            // its own refusal is never answered either
          }
        }
        return;
      }
      if (fault.drop) {
        // The answer is lost: node drops what is written to a destroyed socket.
        faulted = true;
        status = 0;
        req.socket.destroy();
        if (fault.drop === 'before') return;
      }
      if (fault.status !== undefined) {
        faulted = true;
        if (fault.statusWhen === 'after') {
          // The request takes effect (the call is placed) and its answer, whatever it was, is lost on the
          // way back: the injected status replaces it.
          try {
            await m.route.handler({ req, res: discardedResponse(req), method, url, params: m.params, body });
          } catch {
            // Dialpad's own refusal is lost too.
          }
        }
        const headers: Record<string, string> = {};
        if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
        throw new DialpadApiError(fault.status, fault.message, headers);
      }
      await m.route.handler({ req, res, method, url, params: m.params, body });
    } catch (e) {
      const err = e instanceof DialpadApiError ? e : new DialpadApiError(500);
      if (!(e instanceof DialpadApiError)) log.error({ err: e, route }, 'emulator bug');
      status = err.code;
      sendJson(res, err.code, dialpadErrorBody(err.code, err.message), err.headers);
    } finally {
      state.requestLog.record({ at, route, method, path, status, faulted });
    }
  };

  const server = await listen(
    (req, res) => {
      void handle(req, res);
    },
    opts.port ?? 0,
    opts.host ?? '127.0.0.1',
  );
  log.info(
    { url: server.url, users: opts.users.length, webhook: Boolean(opts.webhook) },
    'dialpad emulator listening',
  );
  return {
    url: server.url,
    port: server.port,
    state,
    webhookId,
    closeIdleConnections: () => server.server.closeIdleConnections(),
    close: async () => {
      state.close();
      await server.close();
    },
  };
}
