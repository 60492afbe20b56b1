import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { gridsOfBody } from './grid-answer.js';
import { GridDecoder } from './grid-decoder.js';

/** A batchGetByDataFilter answer of `tabs` tabs of `rows` rows, as the bytes Google sends. */
function answer(tabs: number, rows: number): { body: () => ArrayBuffer; ids: number[] } {
  const ids = Array.from({ length: tabs }, (_, t) => 1000 + t);
  const json = JSON.stringify({
    valueRanges: ids.map((_sheetId, t) => ({
      valueRange: {
        range: `'Leads - Agent ''${t}'''!A1:Z${rows}`,
        values: Array.from({ length: rows }, (_, r) => [
          `Lead ${t}-${r}`,
          `+1 212 555 ${String(r).padStart(4, '0')}`,
          '',
        ]),
      },
    })),
  });
  return { body: () => new TextEncoder().encode(json).buffer, ids };
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
      const expected = gridsOfBody(a.body(), a.ids);
      const body = a.body();
      const got = await decoder.decode(body, a.ids);
      expect(body.byteLength).toBe(0); // handed to the worker, not copied
      expect(got).toEqual(expected);
      expect(got[3]?.title).toBe("Leads - Agent '3'");
      expect(got[3]?.values[7]).toEqual(['Lead 3-7', '+1 212 555 0007', '']);
      // Two answers at once share the worker without mixing their tabs.
      const b = answer(5, 300);
      const [x, y] = await Promise.all([decoder.decode(a.body(), a.ids), decoder.decode(b.body(), b.ids)]);
      expect(x).toEqual(expected);
      expect(y).toEqual(gridsOfBody(b.body(), b.ids));
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
      expect(await decoder.decode(a.body(), a.ids)).toEqual(gridsOfBody(a.body(), a.ids));
      expect(await decoder.decode(a.body(), a.ids)).toEqual(gridsOfBody(a.body(), a.ids));
      expect(lines.filter((l) => l.includes('grid-decode worker unavailable'))).toHaveLength(1);
    } finally {
      await decoder.close();
    }
  });
});
