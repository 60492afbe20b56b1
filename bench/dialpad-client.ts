// What one Dialpad request costs the coordinator's process: `HttpDialpadGateway.initiateCall` (the breaker,
// the keep-alive exchange with its guard, the answer's parse) against a bare node:http server in another
// process that answers as Dialpad does, beside the floor of the same exchange (one node:http request on a
// keep-alive agent, the answer read, nothing else). Sequential requests, so every one reuses a pooled
// connection (the guard's case); rounds alternate between the two after a warm-up of each.
//
//   npx tsx bench/dialpad-client.ts [--requests 5000] [--rounds 4]
//
// Prints one JSON object: user + system CPU of this process per request (µs), per round and the median.
import { fork } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpDialpadGateway } from '../server/src/dialpad/http-dialpad-gateway.js';
import { numberArg } from './cli-args.js';

if (process.argv[2] === '--serve') {
  const answer = JSON.stringify({ device: { id: 'dev-1', type: 'phone' }, call_id: '123', status: 'ok' });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
} else {
  const REQUESTS = numberArg('requests', 5000);
  const ROUNDS = numberArg('rounds', 4);
  const child = fork(process.argv[1] as string, ['--serve'], { execArgv: process.execArgv });
  const port = await new Promise<number>((r) => child.once('message', (m) => r(Number(m))));
  const base = `http://127.0.0.1:${port}`;
  const gateway = new HttpDialpadGateway({ baseUrl: base, apiKey: 'k' });
  const gatewayCall = () =>
    gateway.initiateCall({ dialpadUserId: 'u1', phoneE164: '+15551234567', customData: 'x'.repeat(60) });
  const agent = new Agent({ keepAlive: true });
  const floorCall = () =>
    new Promise<void>((resolve, reject) => {
      const body = Buffer.from(JSON.stringify({ phone_number: '+15551234567', custom_data: 'x'.repeat(60) }));
      const req = request(
        `${base}/api/v2/users/u1/initiate_call`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            JSON.parse(Buffer.concat(chunks).toString('utf8'));
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const round = async (call: () => Promise<unknown>, n: number): Promise<number> => {
    const u0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await call();
    const u = process.cpuUsage(u0);
    return Math.round(((u.user + u.system) / n) * 10) / 10;
  };
  await round(gatewayCall, 2000);
  await round(floorCall, 2000);
  const rows: { gatewayUs: number; floorUs: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const g = await round(gatewayCall, REQUESTS);
    const f = await round(floorCall, REQUESTS);
    rows.push({ gatewayUs: g, floorUs: f });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  console.log(
    JSON.stringify(
      {
        requestsPerRound: REQUESTS,
        rounds: rows,
        gatewayUsPerRequest: median(rows.map((r) => r.gatewayUs)),
        floorUsPerRequest: median(rows.map((r) => r.floorUs)),
      },
      null,
      2,
    ),
  );
  child.kill();
  agent.destroy();
  process.exit(0);
}
