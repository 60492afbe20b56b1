// The notice reader against the notices eventsAppend.lua writes: every event comes out as exactly the text
// that went in (so the socket frame is what JSON.stringify made), whatever the event holds (quotes,
// backslashes, braces in strings, nested arrays, non-ASCII); anything that is not such a notice is null,
// never a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noticeLeads, readNotice } from './notice-text.js';

/** A notice as includes/eventsAppend.lua builds it (cjson writes `/` as `\/`), with the lead-change notice
 *  of its step when it carries one (callDispose.lua). */
const luaNotice = (email: string, at: number, events: { seq: number; json: string }[], leads?: string) =>
  `{"email":${JSON.stringify(email).replaceAll('/', '\\/')},"at":${at},"events":[${events
    .map((e) => `{"seq":${e.seq},"event":${e.json}}`)
    .join(',')}]${leads === undefined ? '' : `,"leads":${leads}`}}`;

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

  it('finds the end of strings made of backslashes and quotes (escaped quotes are not the end)', () => {
    const nasty = fc.string({ unit: fc.constantFrom('\\', '"', '{', '}', '[', ']', ',', 'a') });
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 4 }), fc.boolean(), (strings, typeFirst) => {
        const body = { notes: strings, nested: { s: strings[0] } };
        const event = typeFirst ? { type: strings[0] ?? '', ...body } : { ...body, type: strings[0] ?? '' };
        const json = JSON.stringify(event);
        const n = readNotice(
          luaNotice('a@example.com', 1, [
            { seq: 7, json },
            { seq: 8, json },
          ]),
        );
        expect(n?.events).toEqual([
          { seq: 7, type: event.type, json },
          { seq: 8, type: event.type, json },
        ]);
      }),
    );
  });

  it("reads a step that carries its lead-change notice, and hands that notice to the leads' listeners", () => {
    const leads = JSON.stringify({ tag: '{t:s:7}', rowId: 'r1', rowIds: ['r1', 'r2'] });
    const events = [
      { seq: 64, json: JSON.stringify({ type: 'CALL_STATE', call: { leads: ',"leads":{}' } }) },
      { seq: 65, json: '{"type":"STATS"}' },
    ];
    const text = luaNotice('a@example.com', 9, events, leads);
    expect(readNotice(text)?.events.map((e) => e.seq)).toEqual([64, 65]);
    expect(noticeLeads(text)).toBe(leads);
    // Without one (every other step), one character says so.
    expect(noticeLeads(luaNotice('a@example.com', 9, events))).toBeNull();
    // A tail that is not one object up to the notice's end is no notice.
    expect(readNotice(`${text.slice(0, -1)},"x":1}`)).toBeNull();
    expect(readNotice(text.replace(',"leads":{', ',"leads":['))).toBeNull();
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
