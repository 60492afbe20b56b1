import { describe, expect, it } from 'vitest';
import {
  countersBetween,
  flushFailuresOfMetrics,
  sheetLagDetail,
  sheetsRequestTimeline,
} from './sheet-timeline.js';
import { acceptedOn } from './accepted-fixture.js';

describe('sheet lag detail', () => {
  it('splits the lag by 10-s window of acceptance and names when the late ones were accepted', () => {
    const start = 100_000;
    // Window 0: 1 s and 8 s lags; window 1: a 2 s lag; one warm-up disposition and one never landed.
    const accepted = [
      acceptedOn(1, start + 1_000),
      acceptedOn(2, start + 4_000),
      acceptedOn(3, start + 12_000),
      acceptedOn(4, 50_000),
      acceptedOn(5, start),
    ];
    const landed = [start + 2_000, start + 12_000, start + 14_000, 200_000, null];
    expect(sheetLagDetail(accepted, landed, start, 10, 2)).toEqual({
      max: 8_000,
      over5s: 1,
      p99ByWindow: [8_000, 2_000],
      lateAcceptedAtS: [4],
    });
  });
});

describe('Sheets request timeline', () => {
  it('counts reads, writes and refusals per window and finds the longest stretch with no write', () => {
    const start = 1_000_000;
    const entries = [
      { at: start + 500, route: 'values.batchGetByDataFilter', status: 200 },
      { at: start + 1_000, route: 'spreadsheets.batchUpdate', status: 200 },
      { at: start + 3_000, route: 'spreadsheets.batchUpdate', status: 429 },
      { at: start + 9_000, route: 'spreadsheets.batchUpdate', status: 200 },
      { at: start + 12_000, route: 'spreadsheets.batchUpdate', status: 200 },
      { at: start - 1, route: 'spreadsheets.batchUpdate', status: 200 },
    ];
    expect(sheetsRequestTimeline(entries, start, start + 13_000, 10)).toEqual({
      byWindow: [
        { reads: 1, writes: 3, refused: 1 },
        { reads: 0, writes: 1, refused: 0 },
      ],
      refused: { '429 spreadsheets.batchUpdate': 1 },
      longestWriteGap: { s: 8, fromS: 1 },
    });
  });
});

describe('flush failures from /metrics', () => {
  it('reads the counter by kind and subtracts two scrapes', () => {
    const a =
      'dialer_sheets_flush_failures_total{kind="quota"} 2\ndialer_sheets_flush_failures_total{kind="rejected"} 0\n';
    const b =
      'dialer_sheets_flush_failures_total{kind="quota"} 5\ndialer_sheets_flush_failures_total{kind="rejected"} 0\n';
    expect(countersBetween(flushFailuresOfMetrics(a), flushFailuresOfMetrics(b))).toEqual({ quota: 3 });
  });
});
