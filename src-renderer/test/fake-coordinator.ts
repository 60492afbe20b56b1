// A scripted stand-in for the coordinator's HTTP API in the renderer's jsdom tests (the real coordinator is
// exercised by the e2e suite). It records every request (path, body, idempotency key) and can be switched
// offline, so tests assert what the agent's actions put on the wire.
import type { SessionSnapshot, TokenPair } from '../../src-shared/contracts/http';
import type { NextStep, SessionView, StatsView } from '../../src-shared/contracts/views';
import type { SupervisorServerMessage } from '../../src-shared/contracts/supervisor';
import type { ServerMessage } from '../../src-shared/contracts/ws';
import { sessionView, snapshot, statsView, T0 } from './fixtures';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  idempotencyKey: string | null;
  /** The Authorization header as sent (null: none). */
  authorization: string | null;
}

export interface FakeCoordinator {
  fetch: typeof fetch;
  requests: RecordedRequest[];
  online: boolean;
  session: SessionView;
  current: SessionSnapshot | null;
  /** What POST /dial answers. */
  dialAnswer: NextStep;
  /** What POST /disposition answers as `next` (default: idle in the session's state). */
  dispositionNext: NextStep | null;
  /** Called before answering (e.g. to push a socket event "while the server handles it"). */
  onRequest: ((path: string) => void) | null;
  /** What GET /stats answers as the session's numbers. */
  stats: StatsView;
  /** POST /desktop/install-report: the HTTP status it answers with, and IT's MSI hint when 200. */
  installReportStatus: number;
  newerMsiDue: string | null;
  /** Answers first when it returns a Response (e.g. every route refused after a supervisor's sign-out). */
  answer: ((path: string) => Response | null) | null;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

export function tokenPair(): TokenPair {
  return {
    accessToken: 'access-token-1',
    accessExpiresAt: T0 + 3_600_000 * 1000,
    refreshToken: 'refresh-token-1',
    refreshExpiresAt: T0 + 3_600_000 * 1000,
    agent: { email: 'ana@example.com', dialpadUserId: '42', campaignName: 'Spring' },
  };
}

export function fakeCoordinator(): FakeCoordinator {
  const f: FakeCoordinator = {
    requests: [],
    online: true,
    session: sessionView(),
    current: snapshot(),
    dialAnswer: { kind: 'nothing', nothing: { reasons: [], nextDialableAt: null } },
    dispositionNext: null,
    onRequest: null,
    stats: statsView(),
    installReportStatus: 200,
    newerMsiDue: null,
    answer: null,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!f.online) throw new TypeError('Failed to fetch');
      const url = new URL(String(input), 'http://coordinator.test');
      const headers = new Headers(init?.headers);
      const body: unknown = init?.body ? JSON.parse(String(init.body)) : undefined;
      f.requests.push({
        method: init?.method ?? 'GET',
        path: url.pathname,
        body,
        idempotencyKey: headers.get('Idempotency-Key'),
        authorization: headers.get('Authorization'),
      });
      f.onRequest?.(url.pathname);
      const scripted = f.answer?.(url.pathname);
      if (scripted) return scripted;
      switch (url.pathname) {
        case '/auth/config':
          return json(200, {
            mode: 'demo',
            demoAgents: [{ email: 'ana@example.com', campaignName: 'Spring' }],
            oidc: null,
          });
        case '/auth/login':
        case '/auth/refresh':
          return json(200, tokenPair());
        case '/ws/ticket':
          return json(200, { ticket: 'ticket-0123456789', expiresAt: T0 + 30_000 });
        case '/session/current':
          return f.current
            ? json(200, f.current)
            : json(404, { error: { code: 'NO_ACTIVE_SESSION', message: 'no session' } });
        case '/session/state': {
          const state = (body as { state: SessionView['state'] }).state;
          f.session = { ...f.session, state, version: f.session.version + 1 };
          return json(200, { session: f.session, next: { kind: 'idle', sessionState: state } });
        }
        case '/dial':
          return json(200, f.dialAnswer);
        case '/stats':
          return json(200, { session: f.stats, agent: f.stats });
        case '/disposition': {
          const b = body as { callId: string; code: string };
          return json(200, {
            callId: b.callId,
            code: b.code,
            queuedCells: 4,
            next: f.dispositionNext ?? { kind: 'idle', sessionState: f.session.state },
          });
        }
        case '/call/hangup':
          return json(200, { callId: (body as { callId: string }).callId, result: 'ending' });
        case '/desktop/install-report':
          return f.installReportStatus === 200
            ? json(200, { recordedAt: T0, policy: { newerMsiDue: f.newerMsiDue } })
            : json(f.installReportStatus, { error: { code: 'INTERNAL', message: 'report not recorded' } });
        default:
          return json(404, { error: { code: 'NOT_FOUND', message: `no route ${url.pathname}` } });
      }
    }) as typeof fetch,
  };
  return f;
}

/** A WebSocket that never connects (the socket is exercised end to end, not here). */
export class SilentWebSocket {
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  send(): void {}
  close(): void {
    this.readyState = 3;
  }
}

/** A WebSocket the test drives: `open()` connects it (the client then sends AUTH), `receive()` delivers a
 *  server message (either socket's), `close(code)` closes it (by default as a network failure would). Every instance is kept in `sockets`. */
export class ScriptedWebSocket {
  static sockets: ScriptedWebSocket[] = [];
  readonly url: string;
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(url = '') {
    this.url = url;
    ScriptedWebSocket.sockets.push(this);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(m: ServerMessage | SupervisorServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(m) } as MessageEvent);
  }
  /** Raw text, as a broken or unknown message would arrive. */
  receiveText(data: string): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1006, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }
  drop(): void {
    this.close();
  }
}
