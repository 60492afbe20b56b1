// What a test supervisor does over the real wire: demo login, the console's routes (responses parsed with
// SUPERVISOR_API's schemas, fresh idempotency keys on actions), and the /supervisor/ws socket folded into a
// live view with the same applySupervisorDiff the page uses, so a test waits on what a team lead would see.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import {
  applySupervisorDiff,
  SUPERVISOR_API,
  SUPERVISOR_WS_PATH,
  SUPERVISOR_WS_VERSION,
  type SupervisorResponseBody,
  type SupervisorRouteName,
  type SupervisorServerMessage,
  SupervisorServerMessageSchema,
  type SupervisorSnapshot,
} from '../../../../src-shared/contracts/supervisor.js';
import { call } from './harness.js';

export class TestSupervisor {
  token = '';
  refreshToken = '';
  constructor(
    readonly email: string,
    readonly baseUrl: string,
  ) {}

  async login(): Promise<this> {
    const r = await this.raw('login', { demoEmail: this.email });
    if (r.status !== 200)
      throw new Error(`supervisor login ${this.email}: ${r.status} ${JSON.stringify(r.body)}`);
    const pair = SUPERVISOR_API.login.response.parse(r.body);
    this.token = pair.accessToken;
    this.refreshToken = pair.refreshToken;
    return this;
  }

  raw(name: SupervisorRouteName, body?: unknown, opts: { key?: string; token?: string } = {}) {
    const route = SUPERVISOR_API[name];
    const token = opts.token ?? this.token;
    return call(`${this.baseUrl}${route.path}`, {
      method: route.method,
      ...(token ? { token } : {}),
      ...(route.method === 'POST' ? { body: body ?? {} } : {}),
      ...(route.idempotent ? { key: opts.key ?? `t-${randomUUID()}` } : {}),
    });
  }

  async ok<N extends SupervisorRouteName>(
    name: N,
    body?: unknown,
    opts: { key?: string } = {},
  ): Promise<SupervisorResponseBody<N>> {
    const r = await this.raw(name, body, opts);
    if (r.status !== 200) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return SUPERVISOR_API[name].response.parse(r.body) as SupervisorResponseBody<N>;
  }

  async console(resume: { stream: string; lastSeq: number } | null = null): Promise<ConsoleSocket> {
    const { ticket } = await this.ok('wsTicket', {});
    return openConsole(this.baseUrl, ticket, resume);
  }
}

export interface ConsoleSocket {
  messages: SupervisorServerMessage[];
  view(): SupervisorSnapshot | null;
  lastSeq(): number;
  stream(): string;
  /** Waits until the folded view satisfies `pred`. */
  until(
    pred: (s: SupervisorSnapshot) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<SupervisorSnapshot>;
  waitFor(pred: (m: SupervisorServerMessage) => boolean, what: string): Promise<SupervisorServerMessage>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export async function openConsole(
  baseUrl: string,
  ticket: string,
  resume: { stream: string; lastSeq: number } | null,
  initial: SupervisorSnapshot | null = null,
): Promise<ConsoleSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${SUPERVISOR_WS_PATH}`);
  const messages: SupervisorServerMessage[] = [];
  let view = initial;
  let seq = resume?.lastSeq ?? 0;
  let stream = resume?.stream ?? '';
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    const m = SupervisorServerMessageSchema.parse(JSON.parse(String(data)));
    messages.push(m);
    if (m.type === 'SNAPSHOT') {
      view = m.snapshot;
      seq = m.seq;
      stream = m.stream;
    } else if (m.type === 'DIFF') {
      if (m.seq !== seq + 1) throw new Error(`diff seq ${m.seq} after ${seq}: a gap`);
      seq = m.seq;
      if (view) view = applySupervisorDiff(view, m.diff);
    } else if (m.type === 'RESUMED') stream = m.stream;
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ v: SUPERVISOR_WS_VERSION, type: 'AUTH', ticket, resume }));
  const wait = <T>(check: () => T | null, what: string, timeoutMs = 10_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const run = () => {
        const r = check();
        if (r === null) return;
        waiters.delete(run);
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        waiters.delete(run);
        reject(new Error(`timed out waiting for ${what}; view: ${JSON.stringify(view?.agents ?? null)}`));
      }, timeoutMs);
      waiters.add(run);
      run();
    });
  return {
    messages,
    view: () => view,
    lastSeq: () => seq,
    stream: () => stream,
    until: (pred, what, timeoutMs) => wait(() => (view && pred(view) ? view : null), what, timeoutMs),
    waitFor: (pred, what) => wait(() => messages.find(pred) ?? null, what),
    closed,
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
}
