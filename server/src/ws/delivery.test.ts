// AgentDelivery: every seq once and in order, whether it arrives live in order (sent at once), twice, or
// after a hole (filled from the stream while later live events wait their turn), and a hole the stream no
// longer covers asks the client to resync. Every frame sent is a ServerMessage the client accepts.
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
const ev = (seq: number): LiveAgentEvent => ({ seq, at: 1000 + seq, json: JSON.stringify(event(seq)) });
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
    const frame = eventFrame({ seq: e.seq, at: e.at, json: JSON.stringify(e.event) });
    const message: ServerMessage = { v: WS_PROTOCOL_VERSION, type: 'EVENT', ...e };
    expect(frame).toBe(JSON.stringify(message));
    expect(ServerMessageSchema.parse(JSON.parse(frame))).toEqual(message);
  });
});

describe('AgentDelivery', () => {
  it('sends in-order live events at once, drops repeats, and buffers until the replay is done', () => {
    const h = harness({ events: [], truncated: false, lastSeq: 0 });
    h.d.live(ev(1));
    expect(h.sent).toHaveLength(0); // not started: buffered
    h.d.start(0);
    expect(h.seqs()).toEqual([1]);
    h.d.live(ev(2));
    h.d.live(ev(2));
    h.d.live(ev(1));
    h.d.live(ev(3));
    expect(h.seqs()).toEqual([1, 2, 3]); // synchronously, no await needed
    expect(h.reads).toEqual([]);
  });

  it('fills a hole from the stream; live events arriving meanwhile follow in order', async () => {
    let release: (r: Read) => void = () => {};
    const h = harness(() => new Promise<Read>((r) => (release = r)));
    h.d.start(1);
    h.d.live(ev(4)); // 2 and 3 were lost: read the stream after 1
    h.d.live(ev(5)); // arrives while the read runs: must wait behind it
    h.d.live(ev(2));
    await new Promise((r) => setTimeout(r, 0)); // the read has started
    expect(h.sent).toHaveLength(0);
    expect(h.reads).toEqual([1]);
    release({ events: [stored(2), stored(3), stored(4)], truncated: false, lastSeq: 4 });
    await new Promise((r) => setTimeout(r, 0));
    expect(h.seqs()).toEqual([2, 3, 4, 5]);
    expect(h.sent[0]).toEqual({ v: WS_PROTOCOL_VERSION, type: 'EVENT', ...stored(2) }); // replayed, same frame
    expect(h.reads).toEqual([1]);
    h.d.live(ev(6)); // the chain is drained: back to sending at once
    expect(h.seqs()).toEqual([2, 3, 4, 5, 6]);
  });

  it('asks for a resync when the stream no longer holds the hole', async () => {
    const h = harness({ events: [], truncated: true, lastSeq: 40 });
    h.d.start(1);
    h.d.live(ev(9));
    await new Promise((r) => setTimeout(r, 0));
    expect(h.seqs()).toEqual(['RESYNC_REQUIRED']);
    h.d.live(ev(41));
    expect(h.seqs()).toEqual(['RESYNC_REQUIRED', 41]);
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
        if (m.type === 'EVENT' && m.seq === 1) throw new Error('socket gone');
        if (m.type === 'EVENT') sent.push(m.seq);
      },
      (e) => errors.push(e),
      0,
    );
    d.start(0);
    d.live(ev(1));
    d.live(ev(2));
    expect(errors).toHaveLength(1);
    expect(sent).toEqual([]); // seq 1 was not delivered, so 2 is a hole: it waits for the stream
  });
});
