import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { gridsOfBody } from './grid-answer.js';
import { GridDecoder } from './grid-decoder.js';

/** A batchGetByDataFilter answer of `tabs` tabs of `rows` rows, as the bytes Google sends: `bytes` whole,
 *  `stream()` in 16-KB chunks as a socket delivers them. `edit` changes a cell (tab, row) → text. */
function answer(
  tabs: number,
  rows: number,
  edit: (t: number, r: number) => string | null = () => null,
): { bytes: Uint8Array; stream: () => Readable; ids: number[] } {
  const ids = Array.from({ length: tabs }, (_, t) => 1000 + t);
  const json = JSON.stringify({
    valueRanges: ids.map((_sheetId, t) => ({
      valueRange: {
        range: `'Leads - Agent ''${t}'''!A1:Z${rows}`,
        values: Array.from({ length: rows }, (_, r) => [
          `Lead ${t}-${r}`,
          `+1 212 555 ${String(r).padStart(4, '0')}`,
          edit(t, r) ?? '',
        ]),
      },
    })),
  });
  const bytes = new TextEncoder().encode(json);
  const stream = () =>
    Readable.from(
      Array.from({ length: Math.ceil(bytes.length / 16_384) }, (_, i) =>
        Buffer.from(bytes.subarray(i * 16_384, (i + 1) * 16_384)),
      ),
    );
  return { bytes, stream, ids };
}

const quiet = () => {
  const lines: string[] = [];
  return { lines, logger: createLogger({ destination: { write: (l: string) => lines.push(l) } }) };
};

describe('GridDecoder', () => {
  it('decodes a big answer on its worker thread into the same tabs, titles and fingerprints', async () => {
    const { lines, logger } = quiet();
    const decoder = new GridDecoder({ logger, minBytes: 1024 });
    try {
      const a = answer(40, 50);
      const expected = gridsOfBody(a.bytes, a.ids);
      const got = await decoder.decode(a.stream(), a.ids);
      expect(got).toEqual(expected);
      expect(decoder.workerJobs()).toBe(1); // it went through the worker
      expect(got[3]?.title).toBe("Leads - Agent '3'");
      expect(got[3]?.values[7]).toEqual(['Lead 3-7', '+1 212 555 0007', '']);
      // Two answers at once share the worker without mixing their tabs.
      const b = answer(5, 300);
      const [x, y] = await Promise.all([
        decoder.decode(a.stream(), a.ids),
        decoder.decode(b.stream(), b.ids),
      ]);
      expect(x).toEqual(expected);
      expect(y).toEqual(gridsOfBody(b.bytes, b.ids));
      expect(decoder.workerJobs()).toBe(3);
      // A small answer is decoded here.
      const c = answer(1, 3);
      expect(await decoder.decode(c.stream(), c.ids)).toEqual(gridsOfBody(c.bytes, c.ids));
      expect(decoder.workerJobs()).toBe(3);
      expect(lines).toEqual([]);
    } finally {
      await decoder.close();
    }
  });

  it('brings back only the changed rows of a tab whose last read the caller holds, into the same grid', async () => {
    const { logger } = quiet();
    const decoder = new GridDecoder({ logger, minBytes: 1024 });
    try {
      const a = answer(30, 40);
      const keys = a.ids.map((id) => ({ key: `ss/${id}`, base: null }));
      const first = await decoder.decode(a.stream(), a.ids, keys);
      expect(first).toEqual(gridsOfBody(a.bytes, a.ids));
      // The next read: tab 2 has one changed row; tab 5's base is not the one the worker
      // sent (the caller read it elsewhere since), so it comes back whole; the rest are unchanged.
      const b = answer(30, 40, (t, r) => (t === 2 && r === 7 ? 'NO_ANSWER' : null));
      const bases = first.map((g, i) => ({
        key: `ss/${g.sheetId}`,
        base: { fingerprint: i === 5 ? 'another read' : g.fingerprint, values: g.values },
      }));
      const second = await decoder.decode(b.stream(), b.ids, bases);
      expect(second).toEqual(gridsOfBody(b.bytes, b.ids));
      expect(second[2]?.values[7]?.[2]).toBe('NO_ANSWER');
      expect(second[2]?.values[6]).toBe(first[2]?.values[6]); // the base's own row: not copied across
      expect(second[2]?.values[7]).not.toBe(first[2]?.values[7]);
      expect(second[9]?.values[3]).toBe(first[9]?.values[3]);
      expect(second[5]?.values[3]).not.toBe(first[5]?.values[3]); // whole: its base was not the worker's
      expect(second[5]?.values[3]).toEqual(first[5]?.values[3]);
    } finally {
      await decoder.close();
    }
  });

  it('learns the tabs it decoded on the event loop: the next big read sends them as deltas', async () => {
    const { lines, logger } = quiet();
    const decoder = new GridDecoder({ logger, minBytes: 64 * 1024 });
    try {
      // A start storm's read: too small for a worker job (decoded here), big enough to hand over.
      const small = answer(6, 80);
      expect(small.bytes.byteLength).toBeLessThan(64 * 1024);
      expect(small.bytes.byteLength).toBeGreaterThan(16 * 1024);
      const keyOf = (id: number) => `ss/${id}`;
      const first = await decoder.decode(
        small.stream(),
        small.ids,
        small.ids.map((id) => ({ key: keyOf(id), base: null })),
      );
      expect(decoder.workerJobs()).toBe(0);
      // The refresh: the same 6 tabs (tab 1, row 4 changed) and 40 more, in one big answer.
      const big = answer(46, 80, (t, r) => (t === 1 && r === 4 ? 'NO_ANSWER' : null));
      const bases = big.ids.map((id, i) => {
        const held = first[i];
        return { key: keyOf(id), base: held ? { fingerprint: held.fingerprint, values: held.values } : null };
      });
      const second = await decoder.decode(big.stream(), big.ids, bases);
      expect(decoder.workerJobs()).toBe(1);
      expect(second).toEqual(gridsOfBody(big.bytes, big.ids));
      // Tabs read before came back as their changed rows only: every other row is the held array.
      expect(second[0]?.values.every((row, r) => row === first[0]?.values[r])).toBe(true);
      expect(second[1]?.values[4]?.[2]).toBe('NO_ANSWER');
      expect(second[1]?.values[3]).toBe(first[1]?.values[3]);
      expect(second[1]?.values[4]).not.toBe(first[1]?.values[4]);
      expect(lines).toEqual([]);
    } finally {
      await decoder.close();
    }
  });

  it('decodes on the event loop, with one warning, when the worker cannot start', async () => {
    const { lines, logger } = quiet();
    const decoder = new GridDecoder({
      logger,
      minBytes: 1024,
      workerUrl: new URL('./no-such-worker.ts', import.meta.url),
    });
    try {
      const a = answer(20, 40);
      expect(await decoder.decode(a.stream(), a.ids)).toEqual(gridsOfBody(a.bytes, a.ids));
      expect(await decoder.decode(a.stream(), a.ids)).toEqual(gridsOfBody(a.bytes, a.ids));
      expect(decoder.workerJobs()).toBe(0);
      expect(lines.filter((l) => l.includes('grid-decode worker unavailable'))).toHaveLength(1);
    } finally {
      await decoder.close();
    }
  });
});
