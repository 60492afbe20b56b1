// A queue entry holds the patches of one step (a disposition and its chained dial: the disposed lead's row
// and the next lead's IN_PROGRESS). The flusher that writes them runs as a child process and is SIGKILLed
// (a crash, not a stop) between landing one patch of an entry and the entry's ack; a new flusher on the same
// Redis then loses nothing and writes nothing twice: a patch recorded as landed is not written again (a
// person's edit of its cell after it landed stays), and one landed but not recorded is written again to the
// same cells, its Call log row not appended twice (the flush's CallId re-check).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFailed } from 'vitest';
import { CALL_LOG_TAB } from '../../../src-shared/domain/call-log.js';
import { AGENT_COL } from '../../../src-shared/domain/sheet-codec.js';
import type { SheetPatch } from '../../../src-shared/domain/sheet-patch.js';
import type { FaultRule } from '../../emulators/common/faults.js';
import { keys, tabTag } from '../../src/redis/keys.js';
import { patchFor } from './fixtures.js';
import { AGENT_SS, eventually, flusherWorldForFile, makeFlusher, TAB, TAB_ID } from './sheets-fixtures.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = 'server/test/gateways/support/flusher-process.ts';
const S1 = AGENT_COL.status(0);
const NOTES = AGENT_COL.notes;
const TAG = tabTag(AGENT_SS, TAB_ID);
const LOCK_TTL_MS = 1_000;

const world = flusherWorldForFile({ leads: 5 });
const { connect } = world;

const tabPatch = (rowId: string, row: number, cells: Record<number, string>): SheetPatch =>
  patchFor(rowId, row, cells, { spreadsheetId: AGENT_SS, sheetId: TAB_ID, tabTitle: TAB });

/** A disposition of L1 (with its Call log row) and its chained dial of L2: one step, one queue entry. */
const disposition = (): SheetPatch => ({
  ...tabPatch('L1', 2, { [S1]: 'NO_ANSWER', [NOTES]: 'rang out' }),
  callLog: {
    callId: 'call-1',
    at: 1_700_000_000_000,
    agent: 'ann@example.com',
    campaign: 'Spring',
    rowId: 'L1',
    numberLast4: '1000',
    durationS: 0,
    disposition: 'NO_ANSWER',
    notes: 'rang out',
  },
});
const chainedDial = (): SheetPatch => tabPatch('L2', 3, { [S1]: 'IN_PROGRESS' });

/** The flusher's child process, SIGKILLed by `kill()`. */
function startFlusherProcess(env: Record<string, string>) {
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  onTestFailed(() => {
    console.log(`flusher process output:\n${out}`);
  });
  return {
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs the flusher process until the emulator holds its `which`-th write unanswered, then kills it. */
async function crashDuringWrite(fault: FaultRule, maxRequestsPerWrite?: number): Promise<void> {
  world.emulator.state.addFault(fault);
  const flusher = startFlusherProcess({
    REDIS_URL: world.server.url,
    SHEETS_ROOT_URL: world.emulator.url,
    FLUSH_LOCK_TTL_MS: String(LOCK_TTL_MS),
    ...(maxRequestsPerWrite ? { MAX_REQUESTS_PER_WRITE: String(maxRequestsPerWrite) } : {}),
  });
  try {
    await eventually(
      async () =>
        world.emulator.state.requestLog.entries.some(
          (e) => e.route === 'spreadsheets.batchUpdate' && e.faulted,
        ),
      'the flusher process waiting on the held write',
    );
  } finally {
    await flusher.kill();
  }
  world.emulator.state.clearFaults();
}

const cell = (row: number, col: number) => world.emulator.state.getCell(AGENT_SS, TAB, row, col);
const callLogIds = () =>
  world.emulator.state
    .getValues(AGENT_SS, CALL_LOG_TAB)
    .slice(1)
    .map((r) => r[8]);

describe('a flusher killed between landing one patch of an entry and its ack', () => {
  it('after the first patch landed and was recorded: a new flusher writes only the other one', async () => {
    const redis = connect();
    const { queue } = makeFlusher(world.client, redis);
    const [p0, p1] = await queue.enqueueStep([disposition(), chainedDial()], 1);
    await queue.enqueue(tabPatch('L3', 4, { [S1]: 'WRONG' }), 2); // a single-patch entry behind it
    expect([p0, p1]).toEqual([expect.stringMatching(/#0$/), expect.stringMatching(/#1$/)]);
    expect(await redis.xlen(keys.sheetQueue(TAG))).toBe(2);

    // One patch per write: the disposition (with its Call log row) lands; the chained dial's write is
    // held unanswered, and the process dies waiting for it.
    await crashDuringWrite({ route: 'spreadsheets.batchUpdate', skip: 1, hang: true, times: 1 }, 1);
    expect([cell(2, S1), cell(3, S1), cell(4, S1)]).toEqual(['NO_ANSWER', '', '']);
    expect(callLogIds()).toEqual(['call-1']);
    // The entry is still queued; its first patch is recorded as landed.
    const streamId = (p0 ?? '').split('/')[1]?.split('#')[0] ?? '';
    expect(await redis.xlen(keys.sheetQueue(TAG))).toBe(2);
    expect(await redis.hget(keys.sheetQueueAttempts(TAG), `done:${streamId}`)).toBe('0');

    // A person edits the landed cell: a second write of that patch would undo it.
    world.emulator.state.setCell(AGENT_SS, TAB, 2, NOTES, 'called back himself');
    world.emulator.state.requestLog.clear();
    const next = makeFlusher(world.client, connect(), { lockTtlMs: LOCK_TTL_MS });
    const report = await next.flusher.flushUntilSettled();
    expect(report).toMatchObject({ written: 2, deadLettered: 0, deferred: [] });
    expect([cell(2, S1), cell(2, NOTES), cell(3, S1), cell(4, S1)]).toEqual([
      'NO_ANSWER',
      'called back himself',
      'IN_PROGRESS',
      'WRONG',
    ]);
    expect(callLogIds()).toEqual(['call-1']);
    expect(await redis.xlen(keys.sheetQueue(TAG))).toBe(0);
    expect(await redis.exists(keys.sheetQueueAttempts(TAG))).toBe(0);
    expect(await redis.sismember(keys.sheetQueueAttemptedTabs(), TAG)).toBe(0);
    expect(await next.queue.deadLetters(AGENT_SS, 10)).toEqual([]);
  });

  it('after the whole write landed, before any ack: a new flusher writes it again, the Call log row once', async () => {
    const redis = connect();
    const { queue } = makeFlusher(world.client, redis);
    await queue.enqueueStep([disposition(), chainedDial()], 1);

    // Both patches in one write: it takes effect, its answer never comes, the process dies waiting.
    await crashDuringWrite({ route: 'spreadsheets.batchUpdate', hang: 'after', times: 1 });
    expect([cell(2, S1), cell(3, S1)]).toEqual(['NO_ANSWER', 'IN_PROGRESS']);
    expect(callLogIds()).toEqual(['call-1']);
    expect(await redis.xlen(keys.sheetQueue(TAG))).toBe(1);

    const next = makeFlusher(world.client, connect(), { lockTtlMs: LOCK_TTL_MS });
    const report = await next.flusher.flushUntilSettled();
    expect(report).toMatchObject({ written: 2, deadLettered: 0, deferred: [] });
    expect([cell(2, S1), cell(2, NOTES), cell(3, S1)]).toEqual(['NO_ANSWER', 'rang out', 'IN_PROGRESS']);
    expect(callLogIds()).toEqual(['call-1']);
    expect(await redis.xlen(keys.sheetQueue(TAG))).toBe(0);
    expect(await next.queue.deadLetters(AGENT_SS, 10)).toEqual([]);
  });
});
