// AgentDelivery: every seq once and in order, whether it arrives live in order (sent at once), twice, or
// after a hole (filled from the stream while later live events wait their turn), and a hole the stream no
// longer covers asks the client to resync. Seqs are step * 64 + i: after a step's last event the next
// step's first is in order, a step's missing tail is a hole. Every frame sent is a ServerMessage the
// client accepts.
import { describe, expect, it } from 'vitest';
import {
  type AgentEvent,
  type ServerMessage,
  ServerMessageSchema,
  WS_PROTOCOL_VERSION,
} from '../../../src-shared/contracts/ws.js';
import type { AgentEventBus, LiveAgentEvent } from '../ports.js';
import { AgentDelivery, eventFrame } from './delivery.js';

const event = (seq: number): AgentEvent => ({
  type: 'ERROR',
  code: 'INTERNAL',
  message: `e${seq} "quoted" ✓`,
});
/** As the stream holds it (replay) and as the bus carries it live (encoded). */
const stored = (seq: number) => ({ seq, at: 1000 + seq, event: event(seq) });
/** Live, as one-event steps (most tests) or with `stepEnd` given (a step of several events). */
const ev = (seq: number, stepEnd = true): LiveAgentEvent => ({
  seq,
  at: 1000 + seq,
  json: JSON.stringify(event(seq)),
  stepEnd,
});
/** The seq of event i of step k. */
const sq = (k: number, i = 0) => k * 64 + i;
/** Where a client is after step k. */
const end = (k: number) => k * 64 + 63;
type Read = Awaited<ReturnType<AgentEventBus['readSince']>>;

function harness(stream: Read | (() => Promise<Read>)) {
  const sent: ServerMessage[] = [];
  const errors: unknown[] = [];
  const reads: number[] = [];
  const bus = {
    readSince: async (_email: string, after: number) => {
      reads.push(after);
      return typeof stream === 'function' ? stream() : stream;
    },
  } as unknown as AgentEventBus;
  const d = new AgentDelivery(
    'a@x.example',
    bus,
    (frame) => sent.push(ServerMessageSchema.parse(JSON.parse(frame))),
    (e) => errors.push(e),
    0,
  );
  const seqs = () => sent.map((m) => (m.type === 'EVENT' ? m.seq : m.type));
  return { d, sent, seqs, errors, reads };
}

describe('eventFrame', () => {
  it('is the EVENT message JSON.stringify would write, around the event as encoded', () => {
    const e = stored(7);
    const frame = eventFrame({ seq: e.seq, at: e.at, json: JSON.stringify(e.event), stepEnd: true });
    const message: ServerMessage = { v: WS_PROTOCOL_VERSION, type: 'EVENT', ...e };
    expect(frame).toBe(JSON.stringify(message));
    expect(ServerMessageSchema.parse(JSON.parse(frame))).toEqual(message);
  });
});

describe('AgentDelivery', () => {
  it('sends in-order live events at once, drops repeats, and buffers until the replay is done', () => {
    const h = harness({ events: [], truncated: false, lastSeq: end(1) });
    h.d.live(ev(sq(2)));
    expect(h.sent).toHaveLength(0); // not started: buffered
    h.d.start(end(1));
    expect(h.seqs()).toEqual([sq(2)]);
    h.d.live(ev(sq(3)));
    h.d.live(ev(sq(3)));
    h.d.live(ev(sq(2)));
    h.d.live(ev(sq(4)));
    expect(h.seqs()).toEqual([sq(2), sq(3), sq(4)]); // synchronously, no await needed
    expect(h.reads).toEqual([]);
  });

  it("sends a step's events and the next step's at once: contiguity across steps", () => {
    const h = harness({ events: [], truncated: false, lastSeq: end(7) });
    h.d.start(end(7));
    h.d.live(ev(sq(8, 0), false));
    h.d.live(ev(sq(8, 1), false));
    h.d.live(ev(sq(8, 2), true));
    h.d.live(ev(sq(9, 0), true));
    h.d.live(ev(sq(8, 1), false)); // a repeat of an earlier step: dropped
    expect(h.seqs()).toEqual([sq(8, 0), sq(8, 1), sq(8, 2), sq(9, 0)]);
    expect(h.d.delivered).toBe(end(9));
    expect(h.reads).toEqual([]);
  });

  it('takes a step whose tail is missing for a hole, and fills it from the stream', async () => {
    const h = harness({
      events: [stored(sq(8, 2)), stored(sq(9, 0))],
      truncated: false,
      lastSeq: end(9),
    });
    h.d.start(end(7));
    h.d.live(ev(sq(8, 0), false));
    h.d.live(ev(sq(8, 1), false)); // sq(8, 2), the step's last, was lost
    h.d.live(ev(sq(9, 0))); // not next: the reader cannot know step 8 was whole
    await new Promise((r) => setTimeout(r, 0));
    expect(h.reads).toEqual([sq(8, 1)]);
    expect(h.seqs()).toEqual([sq(8, 0), sq(8, 1), sq(8, 2), sq(9, 0)]);
    expect(h.d.delivered).toBe(end(9));
  });

  it('fills a hole from the stream; live events arriving meanwhile follow in order', async () => {
    let release: (r: Read) => void = () => {};
    const h = harness(() => new Promise<Read>((r) => (release = r)));
    h.d.start(end(1));
    h.d.live(ev(sq(4))); // steps 2 and 3 were lost: read the stream after step 1
    h.d.live(ev(sq(5))); // arrives while the read runs: must wait behind it
    h.d.live(ev(sq(2)));
    await new Promise((r) => setTimeout(r, 0)); // the read has started
    expect(h.sent).toHaveLength(0);
    expect(h.reads).toEqual([end(1)]);
    release({ events: [stored(sq(2)), stored(sq(3)), stored(sq(4))], truncated: false, lastSeq: end(4) });
    await new Promise((r) => setTimeout(r, 0));
    expect(h.seqs()).toEqual([sq(2), sq(3), sq(4), sq(5)]);
    expect(h.sent[0]).toEqual({ v: WS_PROTOCOL_VERSION, type: 'EVENT', ...stored(sq(2)) }); // replayed, same frame
    expect(h.reads).toEqual([end(1)]);
    h.d.live(ev(sq(6))); // the chain is drained: back to sending at once
    expect(h.seqs()).toEqual([sq(2), sq(3), sq(4), sq(5), sq(6)]);
  });

  it('asks for a resync when the stream no longer holds the hole', async () => {
    const h = harness({ events: [], truncated: true, lastSeq: end(40) });
    h.d.start(end(1));
    h.d.live(ev(sq(9)));
    await new Promise((r) => setTimeout(r, 0));
    expect(h.seqs()).toEqual(['RESYNC_REQUIRED']);
    h.d.live(ev(sq(41)));
    expect(h.seqs()).toEqual(['RESYNC_REQUIRED', sq(41)]);
  });

  it('reports a failed send and keeps delivering', () => {
    const sent: number[] = [];
    const errors: unknown[] = [];
    const bus = {} as AgentEventBus;
    const d = new AgentDelivery(
      'a@x.example',
      bus,
      (frame) => {
        const m = ServerMessageSchema.parse(JSON.parse(frame));
        if (m.type === 'EVENT' && m.seq === sq(1)) throw new Error('socket gone');
        if (m.type === 'EVENT') sent.push(m.seq);
      },
      (e) => errors.push(e),
      0,
    );
    d.start(end(0));
    d.live(ev(sq(1)));
    d.live(ev(sq(2)));
    expect(errors).toHaveLength(1);
    expect(sent).toEqual([]); // step 1 was not delivered, so step 2 is a hole: it waits for the stream
  });
});
