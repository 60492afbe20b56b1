// The Google Sheets API v4 emulator: serves `/v4/...` at its root (the googleapis client keeps only the
// origin of rootUrl), refuses what Google refuses (over-long URLs, oversized bodies, too many ranges:
// limits.ts; no credentials: 403, a bad token: 401, a bad key: 400), applies injected faults, logs every
// request, and answers with the real response shapes and error bodies. `startSheetsEmulator` is the entry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import type { FaultRule } from '../common/faults.js';
import {
  discardedResponse,
  handleAdminRequest,
  listen,
  parseJsonBody,
  readBody,
  Router,
  sendJson,
  sleep,
} from '../common/http.js';
import { createEmulatorLogger, type Logger } from '../common/log.js';
import { createSheetsAdminRouter } from './admin.js';
import { applyBatchUpdate, BatchUpdateBodySchema, planBatchUpdate } from './batch-update.js';
import { errorBody, GoogleApiError, quotaExceeded } from './errors.js';
import {
  checkRangeCount,
  DEFAULT_SHEETS_LIMITS,
  type SheetsLimits,
  sendBodyTooLarge,
  sendUriTooLong,
} from './limits.js';
import { parseFieldMask, selectFields } from './field-mask.js';
import type { SheetsFixture } from './fixture.js';
import type { SpreadsheetModel } from './model.js';
import { spreadsheetView } from './spreadsheet-view.js';
import { applyStructural, copySpreadsheet, STRUCTURAL, sheetIdsNamed } from './structure.js';
import { SHEETS_FAULT_GROUPS, SheetsEmulatorState, type SheetsOperation } from './state.js';
import {
  valuesBatchGet,
  valuesBatchGetByDataFilter,
  valuesBatchUpdate,
  valuesGet,
  valuesUpdate,
} from './values-routes.js';

export interface SheetsEmulatorOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  seed?: SheetsFixture;
  /** JSON file the state is saved to after every change and loaded from at start (it wins over `seed`). */
  persistFile?: string;
  faults?: readonly FaultRule[];
  /** Seed of the RNG behind probabilistic faults. */
  rngSeed?: number;
  /** When set, only these Bearer tokens / API keys are accepted (default: any non-empty one). */
  acceptTokens?: readonly string[];
  /** Size limits (URL, body, ranges per request); defaults in limits.ts. */
  limits?: Partial<SheetsLimits>;
  /** Google's per-minute request quotas, enforced like Google (429 RESOURCE_EXHAUSTED past them, the
   *  count refilled each minute). Default: not enforced. */
  quota?: { readsPerMinute?: number; writesPerMinute?: number };
  /** Called after every successful API write (the load benchmark times cells landing with it). */
  onWrite?: (write: SheetsWrite) => void;
  logger?: Logger;
}

/** One applied API write: the operation, its spreadsheet and its raw request body. */
export interface SheetsWrite {
  op: SheetsOperation;
  spreadsheetId: string;
  body: Buffer;
}

export interface SheetsEmulator {
  /** Root URL with a trailing slash, e.g. http://127.0.0.1:PORT/ (pass as `rootUrl`). */
  url: string;
  port: number;
  state: SheetsEmulatorState;
  close(): Promise<void>;
}

type Handler = (ss: SpreadsheetModel, ctx: Parameters<Parameters<Router['add']>[3]>[0]) => unknown;

const ID = '(?<id>[^/:]+)';

function apiRouter(
  state: SheetsEmulatorState,
  limits: SheetsLimits,
  onWrite?: (w: SheetsWrite) => void,
): Router {
  const op = (name: SheetsOperation, handler: Handler) => async (ctx: Parameters<Handler>[1]) => {
    const ss = state.spreadsheet(ctx.params.id ?? '');
    if (!ss) throw new GoogleApiError(404);
    const result = handler(ss, ctx);
    if (SHEETS_FAULT_GROUPS.write?.includes(name)) {
      state.persist();
      onWrite?.({ op: name, spreadsheetId: ss.spreadsheetId, body: ctx.body });
    }
    const fields = ctx.url.searchParams.get('fields');
    // Google's standard `prettyPrint` parameter: indented unless the caller asks for `false`.
    const pretty = ctx.url.searchParams.get('prettyPrint') !== 'false';
    sendJson(ctx.res, 200, fields ? selectFields(result, parseFieldMask(fields)) : result, {}, pretty);
  };
  return new Router()
    .add(
      'GET',
      new RegExp(`^/v4/spreadsheets/${ID}/values:batchGet$`),
      'values.batchGet',
      op('values.batchGet', (ss, ctx) => valuesBatchGet(ss, ctx, limits)),
    )
    .add(
      'POST',
      new RegExp(`^/v4/spreadsheets/${ID}/values:batchGetByDataFilter$`),
      'values.batchGetByDataFilter',
      op('values.batchGetByDataFilter', (ss, ctx) =>
        valuesBatchGetByDataFilter(ss, parseJsonBody(ctx.body), limits),
      ),
    )
    .add(
      'POST',
      new RegExp(`^/v4/spreadsheets/${ID}/values:batchUpdate$`),
      'values.batchUpdate',
      op('values.batchUpdate', (ss, ctx) => valuesBatchUpdate(ss, parseJsonBody(ctx.body), limits)),
    )
    .add(
      'GET',
      new RegExp(`^/v4/spreadsheets/${ID}/values/(?<range>[^/]+)$`),
      'values.get',
      op('values.get', valuesGet),
    )
    .add(
      'PUT',
      new RegExp(`^/v4/spreadsheets/${ID}/values/(?<range>[^/]+)$`),
      'values.update',
      op('values.update', (ss, ctx) => valuesUpdate(ss, ctx, parseJsonBody(ctx.body))),
    )
    .add(
      'GET',
      new RegExp(`^/v4/spreadsheets/${ID}$`),
      'spreadsheets.get',
      op('spreadsheets.get', (ss, ctx) => {
        const fields = ctx.url.searchParams.get('fields');
        // With a field mask, includeGridData is ignored and the mask decides whether grid data is returned.
        const includeGridData = fields
          ? /(^|[,(/.])(data|\*)([,()/.]|$)/.test(fields)
          : ctx.url.searchParams.get('includeGridData') === 'true';
        return spreadsheetView(ss, { ranges: ctx.url.searchParams.getAll('ranges'), includeGridData });
      }),
    )
    .add(
      'POST',
      new RegExp(`^/v4/spreadsheets/${ID}:batchUpdate$`),
      'spreadsheets.batchUpdate',
      op('spreadsheets.batchUpdate', (ss, ctx) => {
        const parsed = BatchUpdateBodySchema.safeParse(parseJsonBody(ctx.body) ?? {});
        if (!parsed.success)
          throw new GoogleApiError(400, `Invalid JSON payload received. ${parsed.error.issues[0]?.message}`);
        const b = parsed.data;
        let replies: unknown[] = b.requests.map(() => ({}));
        if (b.requests.some((r) => Object.keys(r).some((k) => STRUCTURAL.has(k)))) {
          // Run on a copy, request by request (a later one may use a tab an earlier one added), and keep
          // the copy only if every request succeeded: atomic like Google's.
          checkRangeCount(b.requests.length, limits, 'requests');
          const copy = copySpreadsheet(ss, sheetIdsNamed(b.requests));
          replies = b.requests.map((req, i) => {
            const kind = Object.keys(req)[0] ?? '';
            if (STRUCTURAL.has(kind)) return applyStructural(copy, kind, req[kind], `requests[${i}].${kind}`);
            applyBatchUpdate(planBatchUpdate(copy, [req], limits));
            return {};
          });
          ss.sheets = copy.sheets;
        } else applyBatchUpdate(planBatchUpdate(ss, b.requests, limits));
        const out: Record<string, unknown> = { spreadsheetId: ss.spreadsheetId, replies };
        if (b.includeSpreadsheetInResponse) {
          out.updatedSpreadsheet = spreadsheetView(ss, {
            ranges: b.responseRanges ?? [],
            includeGridData: b.responseIncludeGridData ?? false,
          });
        }
        return out;
      }),
    );
}

/** Google's answers: no credential at all is 403 PERMISSION_DENIED; an access token it does not know is
 *  401 UNAUTHENTICATED; an API key it does not know is 400 INVALID_ARGUMENT. */
function checkCredentials(req: IncomingMessage, url: URL, accept: readonly string[] | undefined): void {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const key = url.searchParams.get('key') ?? undefined;
  if (bearer) {
    if (accept && !accept.includes(bearer)) {
      throw new GoogleApiError(
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      );
    }
    return;
  }
  if (key) {
    if (accept && !accept.includes(key)) {
      throw new GoogleApiError(400, 'API key not valid. Please pass a valid API key.');
    }
    return;
  }
  throw new GoogleApiError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

export async function startSheetsEmulator(opts: SheetsEmulatorOptions = {}): Promise<SheetsEmulator> {
  const log = opts.logger ?? createEmulatorLogger('sheets-emulator');
  const state = new SheetsEmulatorState({
    ...(opts.seed ? { seed: opts.seed } : {}),
    ...(opts.persistFile ? { persistFile: opts.persistFile } : {}),
    ...(opts.faults ? { faults: opts.faults } : {}),
    ...(opts.rngSeed !== undefined ? { rngSeed: opts.rngSeed } : {}),
  });
  const limits: SheetsLimits = { ...DEFAULT_SHEETS_LIMITS, ...opts.limits };
  const used = { minute: 0, read: 0, write: 0 };
  /** Counts one request against the minute's quota; false when it is over (Google answers 429). */
  const withinQuota = (route: string): boolean => {
    const isRead = SHEETS_FAULT_GROUPS.read?.includes(route as SheetsOperation) ?? false;
    const kind = isRead ? 'read' : 'write';
    const limit = isRead ? opts.quota?.readsPerMinute : opts.quota?.writesPerMinute;
    if (limit === undefined) return true;
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== used.minute) Object.assign(used, { minute, read: 0, write: 0 });
    used[kind] += 1;
    return used[kind] <= limit;
  };
  const api = apiRouter(state, limits, opts.onWrite);
  const admin = createSheetsAdminRouter(state);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const method = req.method ?? 'GET';
    const rawPath = url.pathname;
    if (await handleAdminRequest(admin, req, res, method, url)) return;
    // The front end refuses these before the API sees them (HTML pages, no API error body).
    if (Buffer.byteLength(req.url ?? '') > limits.maxUrlBytes) {
      state.requestLog.record({
        at,
        route: 'uri-too-long',
        method,
        path: rawPath,
        status: 414,
        faulted: false,
      });
      return sendUriTooLong(res);
    }
    if (Number(req.headers['content-length'] ?? 0) > limits.maxBodyBytes) {
      state.requestLog.record({
        at,
        route: 'body-too-large',
        method,
        path: rawPath,
        status: 413,
        faulted: false,
      });
      return sendBodyTooLarge(res);
    }
    const m = api.match(method, rawPath);
    if (!m || m === 'method-not-allowed') {
      return sendJson(res, 404, errorBody(404, `Method not found: ${method} ${rawPath}`));
    }
    const route = m.route.name;
    let status = 200;
    let faulted = false;
    try {
      let body: Buffer;
      try {
        body = await readBody(req, limits.maxBodyBytes);
      } catch {
        status = 413;
        return sendBodyTooLarge(res);
      }
      checkCredentials(req, url, opts.acceptTokens);
      if (!withinQuota(route)) {
        const isRead = SHEETS_FAULT_GROUPS.read?.includes(route as SheetsOperation) ?? false;
        throw quotaExceeded(isRead ? 'Read' : 'Write');
      }
      const fault = state.faults.decide(route);
      if (fault.latencyMs) await sleep(fault.latencyMs);
      if (fault.hang) {
        faulted = true;
        status = 0;
        // `after`: the request takes effect (cells written), and its answer never comes.
        if (fault.hang === 'after') {
          try {
            await m.route.handler({ req, res: discardedResponse(req), method, url, params: m.params, body });
          } catch {
            // its own refusal is never answered either
          }
        }
        log.info({ route, hang: fault.hang }, 'fault: holding request unanswered');
        return;
      }
      if (fault.drop) {
        // The answer is lost: node drops what is written to a destroyed socket.
        faulted = true;
        status = 0;
        req.socket.destroy();
        log.info({ route, drop: fault.drop }, 'fault: connection dropped');
        if (fault.drop === 'before') return;
      }
      if (fault.status !== undefined) {
        faulted = true;
        if (fault.statusWhen === 'after') {
          // The request takes effect (cells written); the injected status replaces its answer.
          try {
            await m.route.handler({ req, res: discardedResponse(req), method, url, params: m.params, body });
          } catch {
            // Google's own refusal is lost too.
          }
        }
        const isRead = SHEETS_FAULT_GROUPS.read?.includes(route as SheetsOperation) ?? false;
        const err =
          fault.status === 429 && !fault.message
            ? quotaExceeded(isRead ? 'Read' : 'Write')
            : new GoogleApiError(fault.status, fault.message);
        const headers: Record<string, string> = {};
        if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
        status = err.code;
        log.info({ route, status }, 'fault: injected error');
        return sendJson(res, err.code, errorBody(err.code, err.message, err.details), headers);
      }
      await m.route.handler({ req, res, method, url, params: m.params, body });
    } catch (e) {
      const err =
        e instanceof GoogleApiError
          ? e
          : e instanceof SyntaxError
            ? new GoogleApiError(400, `Invalid JSON payload received. ${e.message}`)
            : e instanceof ZodError
              ? new GoogleApiError(400, e.issues[0]?.message)
              : new GoogleApiError(500);
      if (err.code === 500) log.error({ err: e, route }, 'emulator bug');
      status = err.code;
      sendJson(res, err.code, errorBody(err.code, err.message, err.details));
    } finally {
      state.requestLog.record({ at, route, method, path: rawPath, status, faulted });
      log.debug({ route, status, faulted }, 'request');
    }
  };

  const server = await listen(
    (req, res) => {
      void handle(req, res);
    },
    opts.port ?? 0,
    opts.host ?? '127.0.0.1',
    // Room for URLs past maxUrlBytes, so they get Google's 414 rather than Node's 431.
    Math.max(16 * 1024, limits.maxUrlBytes * 4),
  );
  log.info({ url: server.url }, 'sheets emulator listening');
  return {
    url: server.url,
    port: server.port,
    state,
    close: async () => {
      await server.close();
      state.persist();
    },
  };
}
