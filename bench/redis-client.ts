// What one Redis command costs the coordinator's process in ioredis, by client setting: autopipelining on or
// off, autopipelining off with the socket corked for each turn (server/src/redis/client.ts corkEachTurn:
// what the coordinator runs), and the project's ~25 Lua scripts defined as ioredis commands
// (`defineCommand`) or not (run by SHA, server/src/redis/scripts.ts). Every autopipelined batch is a new ioredis Pipeline, whose constructor
// copies every defined command onto itself, so the defined scripts make each batch dearer.
//
//   npx tsx bench/redis-client.ts [--rounds 8000]
//
// Prints one JSON object: for each setting and batch size (commands issued in one event-loop turn), the
// process's user and system CPU per command (µs), on a throw-away redis-server.
import { Redis } from 'ioredis';
import { corkEachTurn } from '../server/src/redis/client.js';
import { startRedisServer } from '../server/src/redis/redis-server.js';
import { readScripts } from '../server/src/redis/scripts.js';

const i = process.argv.indexOf('--rounds');
const ROUNDS = i > 0 ? Number(process.argv[i + 1]) : 8000;

interface Row {
  autoPipelining: boolean;
  corkedPerTurn: boolean;
  scriptsDefinedAsCommands: boolean;
  commandsPerTurn: number;
  userUsPerCommand: number;
  systemUsPerCommand: number;
}

async function measure(
  url: string,
  auto: boolean,
  defined: boolean,
  perTurn: number,
  corked = false,
): Promise<Row> {
  const r = new Redis(url, { enableAutoPipelining: auto, maxRetriesPerRequest: 3 });
  if (corked) corkEachTurn(r);
  if (defined)
    for (const d of readScripts())
      r.defineCommand(d.commandName, { lua: d.lua, numberOfKeys: d.numberOfKeys });
  await r.ping();
  const turn = async (n: number) => {
    for (let k = 0; k < n; k++) {
      const ps: Promise<unknown>[] = [];
      for (let j = 1; j < perTurn; j++) ps.push(r.hset(`bench:{x}:${j}`, 'a', String(k), 'b', 'xyz'));
      ps.push(r.hgetall('bench:{x}:1'));
      await Promise.all(ps);
    }
  };
  await turn(2000);
  const u0 = process.cpuUsage();
  await turn(ROUNDS);
  const u = process.cpuUsage(u0);
  r.disconnect();
  const n = ROUNDS * perTurn;
  return {
    autoPipelining: auto,
    corkedPerTurn: corked,
    scriptsDefinedAsCommands: defined,
    commandsPerTurn: perTurn,
    userUsPerCommand: Math.round((u.user / n) * 10) / 10,
    systemUsPerCommand: Math.round((u.system / n) * 10) / 10,
  };
}

async function main(): Promise<void> {
  const server = await startRedisServer({ appendOnly: false, install: true });
  try {
    const rows: Row[] = [];
    for (const perTurn of [1, 2, 4])
      for (const [auto, defined, corked] of [
        [true, false, false],
        [false, false, true],
        [false, false, false],
        [true, false, false],
        [false, false, true],
      ] as const)
        rows.push(await measure(server.url, auto, defined, perTurn, corked));
    process.stdout.write(`${JSON.stringify({ rounds: ROUNDS, rows }, null, 2)}\n`);
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`redis-client bench failed: ${String(err)}\n`);
    process.exit(1);
  },
);
