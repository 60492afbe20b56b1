// The replay rule: a client gets exactly the events after its seq when every step from its position to
// the stream's last one is kept, and is told to resync otherwise (a trimmed step, a lift to another home,
// a seq the stream never issued), whether it holds part of a step, a step's end or nothing.
import { describe, expect, it } from 'vitest';
import { replayAfter, replayFromStep, type StepEntry, stepEnd } from './replay.js';

const entry = (step: number, n: number): StepEntry<string> => ({
  step,
  at: step,
  events: Array.from({ length: n }, (_, i) => `${step}.${i}`),
});
const seq = (k: number, i = 0) => k * 64 + i;
const seqs = (r: { events: { seq: number }[] }) => r.events.map((e) => e.seq);
/** A stream whose last step is `lastStep`, trimmed (entries added > held) unless told. */
const at = (lastStep: number, whole = false) => ({ lastStep, length: 3, entriesAdded: whole ? 3 : 300 });

describe('replayAfter', () => {
  // Steps 10 (3 events), 11 (1), 12 (2): what a stream read from the client's step holds.
  const stream = [entry(10, 3), entry(11, 1), entry(12, 2)];
  const from = (afterSeq: number) => stream.filter((e) => e.step >= replayFromStep(afterSeq));

  it('replays the rest of a step the client holds part of, then every later step', () => {
    const r = replayAfter(seq(10, 0), at(12), from(seq(10, 0)));
    expect(seqs(r)).toEqual([seq(10, 1), seq(10, 2), seq(11), seq(12, 0), seq(12, 1)]);
    expect(r).toMatchObject({ truncated: false, lastSeq: stepEnd(12) });
    expect(r.events[0]).toEqual({ seq: seq(10, 1), at: 10, event: '10.1' });
  });

  it("continues after a step's last event or its end with the next step", () => {
    expect(seqs(replayAfter(seq(10, 2), at(12), from(seq(10, 2))))).toEqual([
      seq(11),
      seq(12, 0),
      seq(12, 1),
    ]);
    expect(replayFromStep(stepEnd(10))).toBe(11);
    const r = replayAfter(stepEnd(10), at(12), from(stepEnd(10)));
    expect(seqs(r)).toEqual([seq(11), seq(12, 0), seq(12, 1)]);
    expect(r.truncated).toBe(false);
  });

  it('has nothing to replay at the end, whether the client holds the last seq or the end', () => {
    expect(replayAfter(stepEnd(12), at(12), [])).toEqual({
      events: [],
      truncated: false,
      lastSeq: stepEnd(12),
    });
    expect(replayAfter(seq(12, 1), at(12), from(seq(12, 1)))).toEqual({
      events: [],
      truncated: false,
      lastSeq: stepEnd(12),
    });
    expect(replayAfter(0, null, [])).toEqual({ events: [], truncated: false, lastSeq: 0 });
  });

  it('resyncs a client whose step was trimmed, even when it might have held all of it', () => {
    const trimmed = [entry(11, 1), entry(12, 2)];
    expect(replayAfter(seq(10, 2), at(12), trimmed).truncated).toBe(true);
    // What is kept is still answered (a hole the stream no longer covers is the caller's to handle).
    const r = replayAfter(seq(9, 0), at(12), trimmed);
    expect([r.truncated, seqs(r)]).toEqual([true, [seq(11), seq(12, 0), seq(12, 1)]]);
    // Its end says it has all of step 10: step 11 is kept, so nothing is missing.
    expect(replayAfter(stepEnd(10), at(12), trimmed).truncated).toBe(false);
    expect(replayAfter(stepEnd(9), at(12), trimmed).truncated).toBe(true);
  });

  it('resyncs a client whose next steps went to another home (a lift between kept steps)', () => {
    // Steps 10..12 here, then the agent's events went elsewhere and its home came back, lifted to 500.
    const lifted = [...stream, entry(500, 1)];
    expect(replayAfter(seq(10, 0), at(500), lifted).truncated).toBe(true);
    // Lifted with nothing appended since: the last step is 499, which no entry holds.
    expect(replayAfter(seq(12, 1), at(499), [entry(12, 2)]).truncated).toBe(true);
    expect(replayAfter(stepEnd(499), at(499), []).truncated).toBe(false);
  });

  it('resyncs a seq the stream never issued: past its end, or past a step it holds', () => {
    expect(replayAfter(seq(13, 0), at(12), [])).toEqual({
      events: [],
      truncated: true,
      lastSeq: stepEnd(12),
    });
    expect(replayAfter(seq(11, 1), at(12), from(seq(11, 1))).truncated).toBe(true); // step 11 has one event
    expect(replayAfter(seq(10, 5), at(12), from(seq(10, 5))).truncated).toBe(true);
    expect(replayAfter(5, null, []).truncated).toBe(true); // no stream at all
    // A seq of the layout before (~1.7e12) or of nothing (0), against a stream created since.
    expect(replayAfter(1_764_547_200_123, at(12), stream).truncated).toBe(true);
    expect(replayAfter(0, at(12), stream).truncated).toBe(true);
  });

  it('gives a client that has nothing the whole stream when no entry of it was ever dropped', () => {
    const r = replayAfter(0, at(12, true), stream);
    expect(seqs(r)).toEqual([seq(10, 0), seq(10, 1), seq(10, 2), seq(11), seq(12, 0), seq(12, 1)]);
    expect(r.truncated).toBe(false);
    expect(replayAfter(0, at(12, true), [entry(10, 3), entry(12, 2)]).truncated).toBe(true); // lifted
    expect(replayAfter(0, at(12), stream).truncated).toBe(true); // trimmed, or made by a move
  });
});
