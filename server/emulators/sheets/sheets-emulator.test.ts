// The Sheets emulator driven through the real @googleapis/sheets client (OAuth2Client with a fixed access
// token, rootUrl pointed at the emulator): reads, writes, formats, A1 edge cases, errors, faults and
// persistence, as the coordinator's gateway will see them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sheets as sheetsClient, type sheets_v4 } from '@googleapis/sheets';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SheetsFixture } from './fixture.js';
import { type SheetsEmulator, startSheetsEmulator } from './server.js';

const SS = 'ss-test-1';
const PURPLE = { red: 0x8e / 255, green: 0x7c / 255, blue: 0xc3 / 255 };

const fixture = (): SheetsFixture => ({
  spreadsheets: [
    {
      spreadsheetId: SS,
      sheets: [
        {
          sheetId: 0,
          title: 'Router',
          rows: [
            ['AgentEmail', 'DialpadUserID', 'SpreadsheetId', 'TabId', 'CampaignName', 'Active'],
            ['ana@example.com', '101', SS, '7', 'Spring', 'TRUE'],
          ],
        },
        {
          sheetId: 7,
          title: "Ana's Leads",
          rows: [
            ['RowID', 'Name', 'Num1'],
            ['r1', 'Lee', '(415) 555-0134'],
            ['r2', 'Kim', '415.555.0199'],
            [],
            ['r4', 'Roe', '+1 212 555 0147', '', ''],
          ],
        },
      ],
    },
  ],
});

function client(emu: SheetsEmulator): sheets_v4.Sheets {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'test' });
  // googleapis-common bundles its own google-auth-library copy: same class, separate type declarations.
  return sheetsClient({
    version: 'v4',
    auth: auth as unknown as sheets_v4.Options['auth'],
    rootUrl: emu.url,
  });
}

/** The status and body of a rejected client call. */
async function failure(
  p: Promise<unknown>,
): Promise<{ status: number; body: unknown; headers: Headers | Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    const r = (e as { response?: { status: number; data: unknown; headers: Headers } }).response;
    if (r) return { status: r.status, body: r.data, headers: r.headers };
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** gaxios hands back a fetch-style Headers object (not necessarily this realm's class). */
function header(h: Headers | Record<string, string>, name: string): string | null {
  return typeof h.get === 'function'
    ? (h as Headers).get(name)
    : ((h as Record<string, string>)[name] ?? null);
}

describe('sheets emulator through the real googleapis client', () => {
  let emu: SheetsEmulator;
  let api: sheets_v4.Sheets;

  beforeAll(async () => {
    emu = await startSheetsEmulator({ seed: fixture() });
    api = client(emu);
  });
  afterAll(async () => emu.close());
  afterEach(() => {
    emu.state.reset(fixture());
    emu.state.clearFaults();
    emu.state.requestLog.clear();
  });

  it('values.get reads a whole tab with the real response shape, trailing empties trimmed', async () => {
    const res = await api.spreadsheets.values.get({ spreadsheetId: SS, range: "'Ana''s Leads'!A:Z" });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      range: "'Ana''s Leads'!A1:Z1000",
      majorDimension: 'ROWS',
      values: [
        ['RowID', 'Name', 'Num1'],
        ['r1', 'Lee', '(415) 555-0134'],
        ['r2', 'Kim', '415.555.0199'],
        [],
        ['r4', 'Roe', '+1 212 555 0147'],
      ],
    });
  });

  it('indents its JSON like Google unless asked for prettyPrint=false (the same answer, compact)', async () => {
    const read = async (query: string) => {
      const res = await fetch(`${emu.url}v4/spreadsheets/${SS}/values/A1:C3?key=k${query}`);
      return res.text();
    };
    const pretty = await read('');
    const compact = await read('&prettyPrint=false');
    expect(pretty).toContain('\n  ');
    expect(compact).not.toContain('\n');
    expect(JSON.parse(compact)).toEqual(JSON.parse(pretty));
    expect(compact.length).toBeLessThan(pretty.length);
  });

  it('A1 edge cases: no tab = first sheet, bare tab, A5:A, row ranges, COLUMNS, empty range', async () => {
    const get = async (range: string, majorDimension?: string) =>
      (
        await api.spreadsheets.values.get({
          spreadsheetId: SS,
          range,
          ...(majorDimension ? { majorDimension } : {}),
        })
      ).data;
    expect((await get('A1:B1')).range).toBe('Router!A1:B1');
    expect((await get('A1:B1')).values).toEqual([['AgentEmail', 'DialpadUserID']]);
    expect((await get('Router')).values?.[1]?.[0]).toBe('ana@example.com');
    expect(await get("'Ana''s Leads'!C3:C")).toEqual({
      range: "'Ana''s Leads'!C3:C1000",
      majorDimension: 'ROWS',
      values: [['415.555.0199'], [], ['+1 212 555 0147']],
    });
    expect((await get("'Ana''s Leads'!2:3")).values).toEqual([
      ['r1', 'Lee', '(415) 555-0134'],
      ['r2', 'Kim', '415.555.0199'],
    ]);
    expect((await get("'Ana''s Leads'!A1:B2", 'COLUMNS')).values).toEqual([
      ['RowID', 'r1'],
      ['Name', 'Lee'],
    ]);
    expect(await get('Router!F10:G12')).toEqual({ range: 'Router!F10:G12', majorDimension: 'ROWS' });
    expect((await get('Router!B2')).values).toEqual([['101']]);
  });

  it('answers bad ranges and unknown spreadsheets with the real error bodies', async () => {
    const bad = await failure(api.spreadsheets.values.get({ spreadsheetId: SS, range: 'NoSuchTab!A1:B2' }));
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: { code: 400, message: 'Unable to parse range: NoSuchTab!A1:B2', status: 'INVALID_ARGUMENT' },
    });
    const grid = await failure(api.spreadsheets.values.get({ spreadsheetId: SS, range: 'Router!A1:AB2' }));
    expect(grid.status).toBe(400);
    expect(JSON.stringify(grid.body)).toContain('exceeds grid limits. Max rows: 1000, max columns: 26');
    const missing = await failure(api.spreadsheets.values.get({ spreadsheetId: 'nope', range: 'A1' }));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
    });
  });

  it('answers a request without credentials like Google (403 PERMISSION_DENIED); accepts key=', async () => {
    const anon = await fetch(`${emu.url}v4/spreadsheets/${SS}/values/A1`);
    expect(anon.status).toBe(403);
    expect(((await anon.json()) as { error: { status: string } }).error.status).toBe('PERMISSION_DENIED');
    const withKey = sheetsClient({ version: 'v4', auth: 'API_KEY', rootUrl: emu.url });
    const res = await withKey.spreadsheets.values.get({ spreadsheetId: SS, range: 'Router!A1' });
    expect(res.data.values).toEqual([['AgentEmail']]);
  });

  it('values.batchGet returns one ValueRange per repeated ranges= parameter', async () => {
    const res = await api.spreadsheets.values.batchGet({
      spreadsheetId: SS,
      ranges: ['Router!A1', "'Ana''s Leads'!B2:B3"],
    });
    expect(res.data.spreadsheetId).toBe(SS);
    expect(res.data.valueRanges?.map((v) => v.values)).toEqual([[['AgentEmail']], [['Lee'], ['Kim']]]);
  });

  it('values.batchUpdate writes RAW (never a formula), skips nulls, clears with "", and reports counts', async () => {
    const res = await api.spreadsheets.values.batchUpdate({
      spreadsheetId: SS,
      requestBody: {
        valueInputOption: 'RAW',
        data: [
          { range: "'Ana''s Leads'!D2:E2", values: [['=1+1', 'NO_ANSWER']] },
          { range: "'Ana''s Leads'!B3:C3", values: [[null, '']] },
        ],
      },
    });
    expect(res.data).toMatchObject({
      spreadsheetId: SS,
      totalUpdatedCells: 3,
      totalUpdatedSheets: 1,
      responses: [
        { updatedRange: "'Ana''s Leads'!D2:E2", updatedCells: 2, updatedRows: 1, updatedColumns: 2 },
        { updatedRange: "'Ana''s Leads'!B3:C3", updatedCells: 1 },
      ],
    });
    expect(emu.state.getCellValue(SS, "Ana's Leads", 2, 3)).toBe('=1+1');
    expect(emu.state.getValues(SS, "Ana's Leads")[2]).toEqual(['r2', 'Kim']);
    // One column as the load benchmark's journal scans it: the same cells, every row, '' where empty.
    expect(emu.state.getColumn(SS, "Ana's Leads", 1)).toEqual(['Name', 'Lee', 'Kim', '', 'Roe']);
    expect(emu.state.getColumn(SS, "Ana's Leads", 3)).toEqual(['', '=1+1', '', '', '']);
    expect(emu.state.requestLog.count('values.batchUpdate')).toBe(1);
  });

  it('USER_ENTERED parses formulas and numbers; RAW keeps text', async () => {
    await api.spreadsheets.values.batchUpdate({
      spreadsheetId: SS,
      requestBody: {
        valueInputOption: 'USER_ENTERED',
        data: [{ range: 'Router!H1:I1', values: [['=A1', '42']] }],
      },
    });
    expect(emu.state.getCellValue(SS, 'Router', 1, 7)).toEqual({ formula: '=A1' });
    expect(emu.state.getCellValue(SS, 'Router', 1, 8)).toBe(42);
  });

  it('values.batchUpdate is atomic: one bad range → 400 and nothing written', async () => {
    const err = await failure(
      api.spreadsheets.values.batchUpdate({
        spreadsheetId: SS,
        requestBody: {
          valueInputOption: 'RAW',
          data: [
            { range: 'Router!A2', values: [['changed']] },
            { range: 'Router!A1:A2', values: [['x', 'too wide']] },
          ],
        },
      }),
    );
    expect(err.status).toBe(400);
    expect(JSON.stringify(err.body)).toContain('but tried writing to column [B]');
    expect(emu.state.getCell(SS, 'Router', 2, 0)).toBe('ana@example.com');
    const noOption = await failure(
      api.spreadsheets.values.batchUpdate({ spreadsheetId: SS, requestBody: { data: [] } }),
    );
    expect(noOption.status).toBe(400);
  });

  it('spreadsheets.get lists tabs (with fields tolerated) and reports backgrounds with includeGridData', async () => {
    const meta = await api.spreadsheets.get({
      spreadsheetId: SS,
      fields: 'sheets.properties(sheetId,title)',
    });
    expect(meta.data).toEqual({
      sheets: [
        { properties: { sheetId: 0, title: 'Router' } },
        { properties: { sheetId: 7, title: "Ana's Leads" } },
      ],
    });
    const full = await api.spreadsheets.get({ spreadsheetId: SS });
    expect(full.data.sheets?.[1]?.properties).toMatchObject({
      sheetId: 7,
      index: 1,
      gridProperties: { rowCount: 1000, columnCount: 26 },
    });
    expect(full.data.sheets?.[1]?.data).toBeUndefined();

    await api.spreadsheets.batchUpdate({
      spreadsheetId: SS,
      requestBody: {
        requests: [
          {
            repeatCell: {
              range: { sheetId: 7, startRowIndex: 1, endRowIndex: 2, startColumnIndex: 2, endColumnIndex: 3 },
              cell: { userEnteredFormat: { backgroundColorStyle: { rgbColor: PURPLE } } },
              fields: 'userEnteredFormat.backgroundColorStyle',
            },
          },
        ],
      },
    });
    const grid = await api.spreadsheets.get({
      spreadsheetId: SS,
      ranges: ["'Ana''s Leads'!C2:C3"],
      includeGridData: true,
    });
    const cells = grid.data.sheets?.[0]?.data?.[0]?.rowData?.map((r) => r.values?.[0]);
    const bg = cells?.[0]?.effectiveFormat?.backgroundColor;
    expect(bg?.red).toBeCloseTo(PURPLE.red, 5);
    expect(bg?.blue).toBeCloseTo(PURPLE.blue, 5);
    expect(cells?.[0]?.userEnteredFormat?.backgroundColorStyle?.rgbColor?.green).toBeCloseTo(PURPLE.green, 5);
    expect(cells?.[1]?.effectiveFormat?.backgroundColor).toEqual({ red: 1, green: 1, blue: 1 });
    expect(cells?.[0]?.formattedValue).toBe('(415) 555-0134');
    const masked = await api.spreadsheets.get({
      spreadsheetId: SS,
      ranges: ["'Ana''s Leads'!C2"],
      fields: 'sheets(properties(sheetId),data(rowData(values(effectiveFormat/backgroundColor))))',
    });
    expect(masked.data.sheets?.[0]).toEqual({
      properties: { sheetId: 7 },
      data: [{ rowData: [{ values: [{ effectiveFormat: { backgroundColor: expect.any(Object) } }] }] }],
    });
  });

  it('repeatCell with the deprecated backgroundColor round-trips; clearing restores no background', async () => {
    const paint = (color: object | undefined) =>
      api.spreadsheets.batchUpdate({
        spreadsheetId: SS,
        requestBody: {
          requests: [
            {
              repeatCell: {
                range: {
                  sheetId: 7,
                  startRowIndex: 2,
                  endRowIndex: 3,
                  startColumnIndex: 2,
                  endColumnIndex: 4,
                },
                cell: { userEnteredFormat: color ? { backgroundColor: color } : {} },
                fields: 'userEnteredFormat(backgroundColor,backgroundColorStyle)',
              },
            },
          ],
        },
      });
    const res = await paint(PURPLE);
    expect(res.data).toEqual({ spreadsheetId: SS, replies: [{}] });
    expect(emu.state.getBackground(SS, 7, 3, 2)).toEqual(PURPLE);
    expect(emu.state.getBackground(SS, 7, 3, 3)).toEqual(PURPLE);
    expect(emu.state.getBackground(SS, 7, 2, 2)).toBeNull();
    await paint(undefined);
    expect(emu.state.getBackground(SS, 7, 3, 2)).toBeNull();
  });

  it('updateCells writes values and formats with a field mask', async () => {
    await api.spreadsheets.batchUpdate({
      spreadsheetId: SS,
      requestBody: {
        requests: [
          {
            updateCells: {
              start: { sheetId: 0, rowIndex: 1, columnIndex: 6 },
              rows: [
                {
                  values: [
                    {
                      userEnteredValue: { stringValue: 'hello' },
                      userEnteredFormat: { backgroundColor: PURPLE },
                    },
                  ],
                },
              ],
              fields: 'userEnteredValue,userEnteredFormat.backgroundColor',
            },
          },
        ],
      },
    });
    expect(emu.state.getCell(SS, 'Router', 2, 6)).toBe('hello');
    expect(emu.state.getBackground(SS, 0, 2, 6)).toEqual(PURPLE);
  });

  it('spreadsheets.batchUpdate is atomic: a bad request → 400 and the good one is not applied', async () => {
    const err = await failure(
      api.spreadsheets.batchUpdate({
        spreadsheetId: SS,
        requestBody: {
          requests: [
            {
              repeatCell: {
                range: {
                  sheetId: 7,
                  startRowIndex: 1,
                  endRowIndex: 2,
                  startColumnIndex: 0,
                  endColumnIndex: 1,
                },
                cell: { userEnteredFormat: { backgroundColor: PURPLE } },
                fields: 'userEnteredFormat.backgroundColor',
              },
            },
            {
              repeatCell: {
                range: { sheetId: 99, startRowIndex: 0, endRowIndex: 1 },
                cell: {},
                fields: 'userEnteredFormat.backgroundColor',
              },
            },
          ],
        },
      }),
    );
    expect(err.status).toBe(400);
    expect(err.body).toMatchObject({
      error: { status: 'INVALID_ARGUMENT', message: expect.stringContaining('No grid with id: 99') },
    });
    expect(emu.state.getBackground(SS, 7, 2, 0)).toBeNull();
  });

  it('an injected 429 reaches the client with Retry-After and the RESOURCE_EXHAUSTED body, then clears', async () => {
    emu.state.setFaults([{ route: 'write', status: 429, retryAfterSec: 2, times: 1 }]);
    const body = { valueInputOption: 'RAW', data: [{ range: 'Router!A2', values: [['x']] }] };
    const err = await failure(api.spreadsheets.values.batchUpdate({ spreadsheetId: SS, requestBody: body }));
    expect(err.status).toBe(429);
    expect(header(err.headers, 'retry-after')).toBe('2');
    expect(err.body).toMatchObject({
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        message: expect.stringContaining("Quota exceeded for quota metric 'Write requests'"),
      },
    });
    expect(emu.state.getCell(SS, 'Router', 2, 0)).toBe('ana@example.com');
    const ok = await api.spreadsheets.values.batchUpdate({ spreadsheetId: SS, requestBody: body });
    expect(ok.status).toBe(200);
    expect(emu.state.requestLog.counts()['values.batchUpdate']).toBe(2);
    expect(emu.state.requestLog.entries.map((e) => [e.status, e.faulted])).toEqual([
      [429, true],
      [200, false],
    ]);
  });

  it('a 502 answered after the write took effect: the cells are written, the client sees only the 502', async () => {
    emu.state.setFaults([{ route: 'write', status: 502, statusWhen: 'after', times: 1 }]);
    const body = {
      valueInputOption: 'RAW',
      data: [{ range: 'Router!F2', values: [['written behind a 502']] }],
    };
    const err = await failure(
      api.spreadsheets.values.batchUpdate({ spreadsheetId: SS, requestBody: body }, { retry: false }),
    );
    expect(err.status).toBe(502);
    expect(emu.state.getCell(SS, 'Router', 2, 5)).toBe('written behind a 502');
    expect(emu.state.requestLog.entries.at(-1)).toMatchObject({ status: 502, faulted: true });
  });

  it('faults select routes: a 503 on reads leaves writes alone; the admin HTTP API sets faults at runtime', async () => {
    const put = await fetch(`${emu.url}__emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: [{ route: 'read', status: 503 }] }),
    });
    expect(put.status).toBe(200);
    const err = await failure(
      api.spreadsheets.values.get({ spreadsheetId: SS, range: 'A1' }, { retry: false }),
    );
    expect(err.status).toBe(503);
    expect(err.body).toMatchObject({ error: { status: 'UNAVAILABLE' } });
    const ok = await api.spreadsheets.values.batchUpdate({
      spreadsheetId: SS,
      requestBody: { valueInputOption: 'RAW', data: [{ range: 'Router!A3', values: [['w']] }] },
    });
    expect(ok.status).toBe(200);
    await fetch(`${emu.url}__emulator/faults`, { method: 'DELETE' });
    expect(
      (await api.spreadsheets.values.get({ spreadsheetId: SS, range: 'Router!A3' })).data.values,
    ).toEqual([['w']]);
  });

  it('the admin API shows tab values and formats and lets a test edit cells like a person', async () => {
    const base = `${emu.url}__emulator/spreadsheets/${SS}/tabs/${encodeURIComponent("Ana's Leads")}`;
    const edit = await fetch(`${base}/cells`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        cells: [
          { row: 2, col: 1, value: 'Lee Jr' },
          { row: 2, col: 2, background: PURPLE },
        ],
      }),
    });
    expect(edit.status).toBe(200);
    const values = (await (await fetch(`${base}/values`)).json()) as { sheetId: number; values: string[][] };
    expect(values.sheetId).toBe(7);
    expect(values.values[1]).toEqual(['r1', 'Lee Jr', '(415) 555-0134']);
    const formats = (await (await fetch(`${base}/formats`)).json()) as {
      formats: { row: number; col: number }[];
    };
    expect(formats.formats).toMatchObject([{ row: 2, col: 2, background: PURPLE }]);
    const read = await api.spreadsheets.values.get({ spreadsheetId: SS, range: "'Ana''s Leads'!B2" });
    expect(read.data.values).toEqual([['Lee Jr']]);
  });
});

describe('sheets emulator persistence', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sheets-emu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves every change to the file and a new emulator on the same file starts from it (not the seed)', async () => {
    const file = join(dir, 'state.json');
    const first = await startSheetsEmulator({ seed: fixture(), persistFile: file });
    await client(first).spreadsheets.values.batchUpdate({
      spreadsheetId: SS,
      requestBody: { valueInputOption: 'RAW', data: [{ range: "'Ana''s Leads'!D2", values: [['CORRECT']] }] },
    });
    await client(first).spreadsheets.batchUpdate({
      spreadsheetId: SS,
      requestBody: {
        requests: [
          {
            repeatCell: {
              range: { sheetId: 7, startRowIndex: 1, endRowIndex: 2, startColumnIndex: 4, endColumnIndex: 5 },
              cell: { userEnteredFormat: { backgroundColor: PURPLE } },
              fields: 'userEnteredFormat.backgroundColor',
            },
          },
        ],
      },
    });
    await first.close();

    const second = await startSheetsEmulator({ seed: fixture(), persistFile: file });
    try {
      const res = await client(second).spreadsheets.values.get({
        spreadsheetId: SS,
        range: "'Ana''s Leads'!D2",
      });
      expect(res.data.values).toEqual([['CORRECT']]);
      expect(second.state.getBackground(SS, 7, 2, 4)).toEqual(PURPLE);
    } finally {
      await second.close();
    }
  });
});
