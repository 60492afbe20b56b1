// In-order, exactly-once delivery of one agent's events to one socket. Live events (from the bus's pub/sub)
// may arrive while the replay is still being read, twice (replay and live overlap) or with a hole (a pub/sub
// message lost while Redis reconnected): this class sends each seq once, in order, and fills holes from the
// stream. An event that is next in order while nothing is queued is sent at once (the common case: no
// promise, no microtask hop); anything else runs on one promise chain so sends never interleave.
// "Next in order" is `delivered + 1`: after a step's last event the position is that step's end
// (events/replay.ts stepEnd), whose + 1 is the next step's first event; inside a step it is the last seq.
// Events travel as the JSON a coordinator encoded them in (LiveAgentEvent): an EVENT frame is that text in
// the message's envelope (eventFrame), so a live event is neither decoded nor re-encoded on its way out.
import type { ServerMessage } from '../../../src-shared/contracts/ws.js';
import { WS_PROTOCOL_VERSION } from '../../../src-shared/contracts/ws.js';
import { stepEnd, stepOf } from '../events/replay.js';
import type { AgentEventBus, LiveAgentEvent } from '../ports.js';

type Delivered = LiveAgentEvent;

/** The EVENT frame of an encoded event: the same text as JSON.stringify of its ServerMessage (same keys, same
 *  order; seq and at are safe integers). */
export function eventFrame(e: LiveAgentEvent): string {
  return `{"v":${WS_PROTOCOL_VERSION},"type":"EVENT","seq":${e.seq},"at":${e.at},"event":${e.json}}`;
}

export class AgentDelivery {
  #delivered: number;
  #ready = false;
  #buffer: Delivered[] = [];
  #chain: Promise<void> = Promise.resolve();
  /** Events queued on the chain and not yet handled: while > 0, new events queue behind them. */
  #queued = 0;

  constructor(
    private readonly email: string,
    private readonly bus: AgentEventBus,
    /** Sends one frame (JSON text) to the socket. */
    private readonly send: (frame: string) => void,
    private readonly onError: (e: unknown) => void,
    startSeq: number,
  ) {
    this.#delivered = startSeq;
  }

  get delivered(): number {
    return this.#delivered;
  }

  /** Replay is done up to `seq` (a position: readSince's lastSeq): from now on live events flow (buffered
   *  ones first). */
  start(seq: number): void {
    this.#delivered = Math.max(this.#delivered, seq);
    this.#ready = true;
    const buffered = this.#buffer;
    this.#buffer = [];
    for (const e of buffered) this.live(e);
  }

  live(e: Delivered): void {
    if (!this.#ready) {
      this.#buffer.push(e);
      return;
    }
    if (this.#queued === 0 && e.seq <= this.#delivered + 1) {
      if (e.seq <= this.#delivered) return;
      try {
        this.#emit(e);
      } catch (err) {
        this.onError(err);
      }
      return;
    }
    this.#queued++;
    this.#chain = this.#chain
      .then(() => this.#deliver(e))
      .catch(this.onError)
      .then(() => {
        this.#queued--;
      });
  }

  async #deliver(e: Delivered): Promise<void> {
    if (e.seq <= this.#delivered) return;
    if (e.seq === this.#delivered + 1) {
      this.#emit(e);
      return;
    }
    // A hole: read what we missed from the stream (it includes e itself).
    const r = await this.bus.readSince(this.email, this.#delivered);
    if (r.truncated) {
      const resync: ServerMessage = { v: WS_PROTOCOL_VERSION, type: 'RESYNC_REQUIRED', serverSeq: r.lastSeq };
      this.send(JSON.stringify(resync));
      this.#delivered = r.lastSeq;
      return;
    }
    for (const x of r.events)
      if (x.seq > this.#delivered)
        this.#emit({ seq: x.seq, at: x.at, json: JSON.stringify(x.event), stepEnd: false });
    // The replay read the stream to its end.
    this.#delivered = Math.max(this.#delivered, r.lastSeq);
  }

  #emit(e: Delivered): void {
    this.send(eventFrame(e));
    this.#delivered = e.stepEnd ? stepEnd(stepOf(e.seq)) : e.seq;
  }
}
