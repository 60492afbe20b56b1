// The load benchmark's supervisor consoles (issue 11): each signs in with a supervisor token minted with the
// run's JWT secret (role claim, as /supervisor/auth/login issues), opens /supervisor/ws on the first instance
// and applies every DIFF it receives, so the coordinator does the console's whole work during the window.
// Counts what arrived: diffs, bytes and seq gaps (must be 0).
import WebSocket from 'ws';
import {
  SUPERVISOR_API,
  SUPERVISOR_WS_PATH,
  SUPERVISOR_WS_VERSION,
  SupervisorServerMessageSchema,
} from '../../src-shared/contracts/supervisor.js';
import { AccessTokens } from '../../server/src/auth/access-tokens.js';
import { BENCH_SUPERVISOR } from './fixture.js';

export interface ConsoleCounts {
  sockets: number;
  diffs: number;
  bytes: number;
  gaps: number;
}

export async function openConsoles(
  n: number,
  baseUrl: string,
  jwtSecret: string,
): Promise<{ counts: ConsoleCounts; close(): void }> {
  const tokens = new AccessTokens({
    secret: jwtSecret,
    issuer: 'turbo-dialer',
    audience: 'turbo-dialer-api',
    ttlSeconds: 14_400,
  });
  const counts: ConsoleCounts = { sockets: 0, diffs: 0, bytes: 0, gaps: 0 };
  const sockets: WebSocket[] = [];
  for (let i = 0; i < n; i += 1) {
    const { token } = await tokens.sign(BENCH_SUPERVISOR.email, Date.now(), 'supervisor');
    const res = await fetch(`${baseUrl}${SUPERVISOR_API.wsTicket.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (!res.ok) throw new Error(`supervisor ticket: HTTP ${res.status} ${await res.text()}`);
    const { ticket } = SUPERVISOR_API.wsTicket.response.parse(await res.json());
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${SUPERVISOR_WS_PATH}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let seq = -1;
    ws.on('message', (data) => {
      const text = String(data);
      const m = SupervisorServerMessageSchema.parse(JSON.parse(text));
      if (m.type === 'SNAPSHOT') seq = m.seq;
      else if (m.type === 'DIFF') {
        if (m.seq !== seq + 1) counts.gaps += 1;
        seq = m.seq;
        counts.diffs += 1;
        counts.bytes += text.length;
      }
    });
    ws.send(JSON.stringify({ v: SUPERVISOR_WS_VERSION, type: 'AUTH', ticket, resume: null }));
    sockets.push(ws);
    counts.sockets += 1;
  }
  return {
    counts,
    close: () => {
      for (const ws of sockets) ws.close();
    },
  };
}
