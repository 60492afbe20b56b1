// The scheduler-trace reading of sched-waits.ts: a wait of the coordinator's main thread runs from its wakeup
// (or its preemption) to its switch-in, and the threads on the CPUs meanwhile are charged their overlap.
import { describe, expect, it } from 'vitest';
import { schedWaits, threadLabels } from './sched-waits.js';

const LISTING = [
  '  PID   TID COMMAND         COMMAND',
  '  100   100 node            /usr/bin/node --import tsx server/src/server.ts',
  '  100   101 node            /usr/bin/node --import tsx server/src/server.ts',
  '  100   102 node            /usr/bin/node --import tsx server/src/server.ts',
  '  200   200 node            /usr/bin/node --import tsx /w/bench/load/sheets-child.ts',
  '  300   300 yes             yes',
].join('\n');

const sw = (cpu: number, t: number, prev: number, state: string, next: number) =>
  `node ${prev} [00${cpu}] ${t.toFixed(6)}: sched:sched_switch: prev_comm=x prev_pid=${prev} prev_prio=120 prev_state=${state} ==> next_comm=y next_pid=${next} next_prio=120`;
const wake = (cpu: number, t: number, pid: number) =>
  `node 1 [00${cpu}] ${t.toFixed(6)}: sched:sched_wakeup: comm=node pid=${pid} prio=120 target_cpu=000`;

async function* lines(xs: string[]) {
  for (const x of xs) yield x;
}

describe('sched-waits', () => {
  it('names threads by process and the coordinator main thread as main', () => {
    const l = threadLabels(LISTING, 100);
    expect(l.get(100)).toBe('coordinator/main');
    expect(l.get(200)).toBe('sheets-emulator/main');
    expect(l.get(300)).toBe('other:yes/main');
  });

  it('charges the threads that held both cores while the main thread waited, and only then', async () => {
    const r = await schedWaits(
      lines([
        sw(0, 1.0, 0, 'R', 300), // cpu0: yes from 1.000
        sw(1, 1.0, 0, 'R', 200), // cpu1: the emulator from 1.000
        wake(0, 1.002, 100), // main runnable at 1.002 …
        sw(1, 1.007, 200, 'S', 102), // cpu1: a coordinator thread from 1.007
        sw(1, 1.009, 102, 'S', 100), // … runs at 1.009: a 7 ms wait
        sw(0, 1.02, 300, 'R', 0),
        sw(1, 1.02, 100, 'S', 0),
        wake(0, 1.03, 100),
        sw(0, 1.0305, 0, 'R', 100), // a 0.5 ms wait: under min
      ]),
      threadLabels(LISTING, 100),
      100,
      2,
    );
    expect(r.waits).toEqual({ count: 1, ms: 7, minMs: 2 });
    expect(r.ranDuringWaits).toEqual([
      { thread: 'other:yes/main', ms: 7, waits: 1 },
      { thread: 'sheets-emulator/main', ms: 5, waits: 1 },
      { thread: 'coordinator/v8-platform-worker', ms: 2, waits: 1 },
    ]);
  });
});
