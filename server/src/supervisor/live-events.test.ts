// The console's reading of a notice as the bus hands it over (the text eventsAppend.lua published): the same
// folded events as from the decoded notice, events it does not fold skipped, and a notice that is not one
// (or not JSON) refused as a whole, never a throw.
import { describe, expect, it } from 'vitest';
import { parseLiveNotice } from './live-events.js';

const session = {
  type: 'SESSION_STATE',
  session: { id: 's1', campaignName: 'Solar', tabTitle: 't', state: 'PLAY', startedAt: 5, extra: 'x' },
};
const next = {
  type: 'NEXT',
  next: { kind: 'preview', lead: { name: 'a "quoted" {name}', phone: '+1 555' } },
};
const call = {
  type: 'CALL_STATE',
  call: { callId: 'c1', sessionId: 's1', state: 'RINGING', endedAt: null, number: '+15551234567' },
};
const events = [session, next, call].map((event, i) => ({ seq: 7 + i, event }));
const text = `{"email":"Ann@Example.com","at":1000,"events":[${events
  .map((e) => `{"seq":${e.seq},"event":${JSON.stringify(e.event)}}`)
  .join(',')}]}`;

describe('parseLiveNotice', () => {
  it('folds the same events from the text and from the decoded notice', () => {
    const fromObject = parseLiveNotice({ email: 'Ann@Example.com', at: 1000, events });
    expect(fromObject?.events.map((e) => e.type)).toEqual(['SESSION_STATE', 'CALL_STATE']);
    expect(fromObject?.email).toBe('ann@example.com');
    expect(parseLiveNotice(text)).toEqual(fromObject);
  });

  it('refuses what is not a notice, and a folded event that is not JSON', () => {
    expect(parseLiveNotice('{"email":"a@b.c"')).toBeNull();
    expect(parseLiveNotice('not json')).toBeNull();
    const bad = '{"email":"a@b.c","at":1,"events":[{"seq":1,"event":{"type":"STATS","stats":{x}}}]}';
    expect(parseLiveNotice(bad)).toBeNull();
  });

  it('drops a folded event whose fields are wrong, keeping the others', () => {
    const wrong = text.replace('"state":"RINGING"', '"state":"SINGING"');
    expect(parseLiveNotice(wrong)?.events.map((e) => e.type)).toEqual(['SESSION_STATE']);
  });
});
