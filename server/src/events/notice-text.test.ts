// The notice reader against the notices eventsAppend.lua writes: every event comes out as exactly the text
// that went in (so the socket frame is what JSON.stringify made), whatever the event holds (quotes,
// backslashes, braces in strings, nested arrays, non-ASCII); anything that is not such a notice is null,
// never a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readNotice } from './notice-text.js';

/** A notice as includes/eventsAppend.lua builds it (cjson writes `/` as `\/`). */
const luaNotice = (email: string, at: number, events: { seq: number; json: string }[]) =>
  `{"email":${JSON.stringify(email).replaceAll('/', '\\/')},"at":${at},"events":[${events
    .map((e) => `{"seq":${e.seq},"event":${e.json}}`)
    .join(',')}]}`;

const eventArb = fc
  .tuple(fc.string({ minLength: 1 }), fc.dictionary(fc.string(), fc.jsonValue()), fc.boolean())
  .map(([type, rest, typeFirst]) => {
    const { type: _drop, ...fields } = rest;
    return typeFirst ? { type, ...fields } : { ...fields, type };
  });

describe('readNotice', () => {
  it('returns each event as the exact text it was published with', () => {
    fc.assert(
      fc.property(
        fc.emailAddress(),
        fc.integer({ min: 0, max: 2 ** 50 }),
        fc.integer({ min: 1, max: 2 ** 50 }),
        fc.array(eventArb, { minLength: 1, maxLength: 5 }),
        (email, at, first, events) => {
          const texts = events.map((e, i) => ({ seq: first + i, json: JSON.stringify(e) }));
          const n = readNotice(luaNotice(email, at, texts));
          expect(n).toEqual({
            email,
            at,
            events: events.map((e, i) => ({ seq: first + i, type: e.type, json: texts[i]?.json })),
          });
        },
      ),
    );
  });

  it('reads a real step: a call view with notes full of JSON-looking text', () => {
    const call = {
      type: 'CALL_STATE',
      call: { callId: 'c1', notes: '},{"seq":9,"event":{"type":"X"}} \\"' },
    };
    const stats = { stats: { connects: 1, note: 'ünïcødé ✓ "type":"NO"' }, type: 'STATS' };
    const n = readNotice(
      luaNotice('a/b@example.com', 1700000000000, [
        { seq: 41, json: JSON.stringify(call) },
        { seq: 42, json: JSON.stringify(stats) },
      ]),
    );
    expect(n?.email).toBe('a/b@example.com');
    expect(n?.events.map((e) => [e.seq, e.type, JSON.parse(e.json)])).toEqual([
      [41, 'CALL_STATE', call],
      [42, 'STATS', stats],
    ]);
  });

  it('refuses what is not such a notice, without throwing', () => {
    const ok = luaNotice('a@example.com', 5, [{ seq: 1, json: '{"type":"ERROR"}' }]);
    expect(readNotice(ok)).not.toBeNull();
    for (const bad of [
      '',
      'null',
      '{"email":"a@example.com","at":5,"events":[]}',
      '{"email":"a@example.com","at":5.5,"events":[{"seq":1,"event":{"type":"ERROR"}}]}',
      '{"email":"a@example.com","at":5,"events":[{"seq":"1","event":{"type":"ERROR"}}]}',
      '{"email":"a@example.com","at":5,"events":[{"seq":1,"event":{"code":"X"}}]}',
      '{"email":"a@example.com","at":5,"events":[{"seq":1,"event":{"type":1}}]}',
      '{"email":"a@example.com","at":5,"events":[{"seq":1,"event":["ERROR"]}]}',
      '{"email":"a@example.com","at":5,"events":[{"seq":1,"event":{"type":"ERROR"}]}',
      '{"email":"a@example.com","at":5,"events":[{"seq":1,"event":{"type":"ERROR","x":"}}]}',
      `${ok} `,
      ok.slice(0, -1),
      '{"email":5,"at":5,"events":[{"seq":1,"event":{"type":"ERROR"}}]}',
    ])
      expect(readNotice(bad)).toBeNull();
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(() => readNotice(s)).not.toThrow();
        expect(() => readNotice(ok.slice(0, s.length % ok.length) + s)).not.toThrow();
      }),
    );
  });
});
