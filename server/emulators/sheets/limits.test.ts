// The Sheets emulator refuses what Google refuses, through the real @googleapis/sheets client and raw
// HTTP: an over-long URL (414 page), an oversized body (413 page), too many ranges (400), a cell over
// 50,000 characters (400, nothing written), no credentials (403), an unknown token (401) or key (400);
// and it serves values.batchGetByDataFilter, the POST form that has no URL to outgrow.
import { sheets as sheetsClient, type sheets_v4 } from '@googleapis/sheets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSheetsClient, staticTokenAuth } from '../../src/sheets/client.js';
import { type SheetsEmulator, startSheetsEmulator } from './server.js';

const SS = 'ss-limits';
let emu: SheetsEmulator;
let api: sheets_v4.Sheets;

beforeAll(async () => {
  emu = await startSheetsEmulator({
    seed: {
      spreadsheets: [
        {
          spreadsheetId: SS,
          sheets: [
            { sheetId: 1, title: 'One', rows: [['RowID'], ['a1'], ['a2']] },
            { sheetId: 2, title: 'Two Tab', rows: [['RowID'], ['b1']] },
          ],
        },
      ],
    },
    acceptTokens: ['good-token', 'good-key'],
    limits: { maxUrlBytes: 2048, maxBodyBytes: 64 * 1024, maxRangesPerRequest: 50 },
  });
  api = createSheetsClient({ rootUrl: emu.url, auth: staticTokenAuth('good-token') });
});
afterAll(async () => {
  await emu.close();
});

async function statusOf(p: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    await p;
  } catch (err) {
    const r = (err as { response?: { status: number; data: unknown } }).response;
    if (r) return { status: r.status, body: r.data };
    throw err;
  }
  throw new Error('expected the request to be refused');
}

describe('Sheets emulator limits', () => {
  it('refuses an over-long URL with 414 and a page, as the front end does; a shorter one is served', async () => {
    const ranges = Array.from({ length: 80 }, () => "'Two Tab'!A1:A1000");
    const long = await statusOf(api.spreadsheets.values.batchGet({ spreadsheetId: SS, ranges }));
    expect(long.status).toBe(414);
    expect(String(long.body)).toContain('The requested URL is too large to process.');
    const ok = await api.spreadsheets.values.batchGet({ spreadsheetId: SS, ranges: ranges.slice(0, 5) });
    expect(ok.data.valueRanges).toHaveLength(5);
    expect(emu.state.requestLog.count('uri-too-long')).toBe(1);
  });

  it('refuses too many ranges (400) and an oversized body (413); nothing is written', async () => {
    const many = await statusOf(
      api.spreadsheets.values.batchUpdate({
        spreadsheetId: SS,
        requestBody: {
          valueInputOption: 'RAW',
          data: Array.from({ length: 51 }, () => ({ range: 'One!B2', values: [['x']] })),
        },
      }),
    );
    expect(many.status).toBe(400);
    expect(many.body).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } });
    const big = await statusOf(
      api.spreadsheets.values.batchUpdate({
        spreadsheetId: SS,
        requestBody: { valueInputOption: 'RAW', data: [{ range: 'One!B2', values: [['y'.repeat(70_000)]] }] },
      }),
    );
    expect(big.status).toBe(413);
    expect(emu.state.getValues(SS, 'One')[1]).toEqual(['a1']);
  });

  it('refuses a cell over 50,000 characters with 400, atomically', async () => {
    const roomy = await startSheetsEmulator({
      seed: {
        spreadsheets: [{ spreadsheetId: SS, sheets: [{ sheetId: 1, title: 'One', rows: [['RowID']] }] }],
      },
    });
    try {
      const c = createSheetsClient({ rootUrl: roomy.url, auth: staticTokenAuth('t') });
      const r = await statusOf(
        c.spreadsheets.batchUpdate({
          spreadsheetId: SS,
          requestBody: {
            requests: [
              {
                updateCells: {
                  start: { sheetId: 1, rowIndex: 0, columnIndex: 1 },
                  rows: [{ values: [{ userEnteredValue: { stringValue: 'ok' } }] }],
                  fields: 'userEnteredValue',
                },
              },
              {
                updateCells: {
                  start: { sheetId: 1, rowIndex: 0, columnIndex: 2 },
                  rows: [{ values: [{ userEnteredValue: { stringValue: 'z'.repeat(50_001) } }] }],
                  fields: 'userEnteredValue',
                },
              },
            ],
          },
        }),
      );
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain('more than the maximum of 50000 characters in a single cell');
      expect(roomy.state.getValues(SS, 'One')[0]).toEqual(['RowID']);
    } finally {
      await roomy.close();
    }
  });

  it('serves values.batchGetByDataFilter (a POST: no URL limit) with one valueRange per filter', async () => {
    const res = await api.spreadsheets.values.batchGetByDataFilter({
      spreadsheetId: SS,
      requestBody: {
        dataFilters: [
          { a1Range: 'One!A:A' },
          { gridRange: { sheetId: 2, startColumnIndex: 0, endColumnIndex: 1 } },
        ],
        majorDimension: 'ROWS',
      },
    });
    expect(res.data.valueRanges?.map((v) => v.valueRange?.values)).toEqual([
      [['RowID'], ['a1'], ['a2']],
      [['RowID'], ['b1']],
    ]);
    expect(res.data.valueRanges?.[1]?.valueRange?.range).toBe("'Two Tab'!A1:A1000");
    const gone = await statusOf(
      api.spreadsheets.values.batchGetByDataFilter({
        spreadsheetId: SS,
        requestBody: { dataFilters: [{ gridRange: { sheetId: 99 } }] },
      }),
    );
    expect(gone.status).toBe(400);
  });
});

describe('Sheets emulator credentials', () => {
  it('403 PERMISSION_DENIED without credentials, 401 for an unknown token, 400 for an unknown key', async () => {
    const anon = await fetch(`${emu.url}v4/spreadsheets/${SS}/values/One!A1`);
    expect(anon.status).toBe(403);
    expect(await anon.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
    const badToken = createSheetsClient({ rootUrl: emu.url, auth: staticTokenAuth('stolen') });
    const t = await statusOf(badToken.spreadsheets.values.get({ spreadsheetId: SS, range: 'One!A1' }));
    expect(t.status).toBe(401);
    expect(t.body).toMatchObject({ error: { status: 'UNAUTHENTICATED' } });
    const badKey = sheetsClient({ version: 'v4', auth: 'nope', rootUrl: emu.url });
    const k = await statusOf(badKey.spreadsheets.values.get({ spreadsheetId: SS, range: 'One!A1' }));
    expect(k.status).toBe(400);
    expect(JSON.stringify(k.body)).toContain('API key not valid');
    const goodKey = sheetsClient({ version: 'v4', auth: 'good-key', rootUrl: emu.url });
    expect((await goodKey.spreadsheets.values.get({ spreadsheetId: SS, range: 'One!A1' })).status).toBe(200);
  });
});
