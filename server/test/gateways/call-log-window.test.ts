// The Call log re-check stays bounded as the log grows all day: after a first full read, a flush reads only
// a window of the CallId column before the last known end (what the flusher asked the Sheets emulator is
// recorded), its rows still land right after the last row, a call already in the window is never written
// twice, and a person deleting rows makes the next flush read the column in full and append at the new end.
// Real redis-server queue, real googleapis client, the Sheets emulator.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/redis-server.js';
import {
  CALL_LOG_CALL_ID_COL,
  CALL_LOG_HEADER,
  CALL_LOG_TAB,
  type CallLogEntry,
} from '../../../src-shared/domain/call-log.js';
import { startSheetsEmulator, type SheetsEmulator } from '../../emulators/sheets/server.js';
import type { RedisPatchQueue } from '../../src/queue/redis-patch-queue.js';
import { createSheetsClient, staticTokenAuth } from '../../src/sheets/client.js';
import { AGENT_SS, agentRows, makeFlusher as makeFlusherOver, TAB, TAB_ID } from './sheets-fixtures.js';

const LOG_ID = 42;
const LOGGED = 200;
const WINDOW = 50;

let server: RedisServerHandle;
let emulator: SheetsEmulator;
let redis: Redis;
/** The clients' read methods, watched. */
const spies: { mock: { calls: readonly (readonly unknown[])[] } }[] = [];

/** The start row each Call log read asked for, in order (0: from the top). */
function logReads(): number[] {
  const out: number[] = [];
  for (const spy of spies) {
    for (const [params] of spy.mock.calls) {
      const parsed = ReadSchema.safeParse(params);
      for (const f of parsed.success ? parsed.data.requestBody.dataFilters : []) {
        if (f.gridRange?.sheetId === LOG_ID) out.push(f.gridRange.startRowIndex ?? 0);
      }
    }
  }
  return out;
}
const ReadSchema = z.object({
  requestBody: z.object({
    dataFilters: z.array(
      z.object({
        gridRange: z.object({ sheetId: z.number(), startRowIndex: z.number().optional() }).optional(),
      }),
    ),
  }),
});

const logRow = (callId: string) => {
  const row = Array<string>(CALL_LOG_HEADER.length).fill('x');
  row[CALL_LOG_CALL_ID_COL] = callId;
  return row;
};

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { maxRetriesPerRequest: 2 });
  emulator = await startSheetsEmulator({
    seed: {
      spreadsheets: [
        {
          spreadsheetId: AGENT_SS,
          sheets: [
            { sheetId: TAB_ID, title: TAB, rows: agentRows(8) },
            {
              sheetId: LOG_ID,
              title: CALL_LOG_TAB,
              rows: [[...CALL_LOG_HEADER], ...Array.from({ length: LOGGED }, (_, i) => logRow(`c${i + 1}`))],
            },
          ],
        },
      ],
    },
  });
});
afterAll(async () => {
  redis?.disconnect();
  await emulator?.close();
  await server?.stop();
});

function makeFlusher() {
  const client = createSheetsClient({ rootUrl: emulator.url, auth: staticTokenAuth('test-token') });
  // Records what each re-check read asked for (the spy calls through to the emulator).
  spies.push(vi.spyOn(client.spreadsheets.values, 'batchGetByDataFilter'));
  return makeFlusherOver(client, redis, { callLogWindow: WINDOW });
}

const entry = (callId: string, rowId: string): CallLogEntry => ({
  callId,
  at: Date.now(),
  agent: 'ann@example.com',
  campaign: 'Spring',
  rowId,
  numberLast4: '0101',
  durationS: 12,
  disposition: 'NO_ANSWER',
  notes: '',
});

async function logCalls(queue: RedisPatchQueue, callIds: string[]) {
  let i = 0;
  for (const callId of callIds) {
    i += 1;
    const rowId = `L${i}`;
    await queue.enqueue(
      {
        spreadsheetId: AGENT_SS,
        sheetId: TAB_ID,
        tabTitle: TAB,
        rowId,
        values: [],
        backgrounds: [],
        callLog: entry(callId, rowId),
      },
      Date.now(),
    );
  }
}

const callIds = () =>
  emulator.state.getValues(AGENT_SS, CALL_LOG_TAB).map((r) => r[CALL_LOG_CALL_ID_COL] ?? '');

describe('the Call log re-check', () => {
  it('reads only a window before the last known end, appends after the last row, never twice', async () => {
    const { queue, flusher } = makeFlusher();
    await logCalls(queue, ['n1']);
    await flusher.flushUntilSettled();
    // nothing remembered after a start: the whole column
    expect(logReads()).toEqual([0]);
    expect(callIds()).toHaveLength(1 + LOGGED + 1);
    expect(callIds().at(-1)).toBe('n1');

    // n1 (again, as after a lost answer) and c190 are in the window: only n2 is written, after n1
    await logCalls(queue, ['n2', 'c190', 'n1']);
    await flusher.flushUntilSettled();
    expect(logReads()).toEqual([0, 1 + LOGGED - WINDOW]);
    const ids = callIds();
    expect(ids).toHaveLength(1 + LOGGED + 2);
    expect(ids.slice(-3)).toEqual(['c200', 'n1', 'n2']);
    expect(ids.filter((id) => id === 'c190')).toHaveLength(1);
    expect(ids.filter((id) => id === 'n1')).toHaveLength(1);
  });

  it('reads in full once a person deleted rows, and still appends right after the last row', async () => {
    spies.length = 0;
    const { queue, flusher } = makeFlusher();
    // a fresh flusher reads in full once, then remembers 203 used rows
    await logCalls(queue, ['n3']);
    await flusher.flushUntilSettled();
    expect(logReads()).toEqual([0]);
    expect(callIds()).toHaveLength(204);

    // a person deletes 180 rows (c1..c180): the tab has 24 rows, fewer than the window's start
    // (as deleteDimension does; the emulator does not serve it)
    const sheet = emulator.state.spreadsheet(AGENT_SS)?.sheets.find((t) => t.sheetId === LOG_ID);
    if (!sheet) throw new Error('no Call log tab');
    sheet.cells.splice(1, 180);
    sheet.rowCount -= 180;
    expect(callIds()).toHaveLength(24);

    await logCalls(queue, ['n4', 'c199']);
    await flusher.flushUntilSettled();
    // the window (from row 153) came back short: the column was read again from the top
    expect(logReads()).toEqual([0, 203 - WINDOW, 0]);
    const ids = callIds();
    expect(ids).toHaveLength(25);
    expect(ids.slice(-4)).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(ids.filter((id) => id === 'c199')).toHaveLength(1);
  });
});
