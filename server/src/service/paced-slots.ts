// Turns taken one at a time, in the order asked, with a pause between them: the tab refresh's pace
// (tab-refresh.ts), where a tab's decode and its rebuild share one slot so the leads it decodes are made in
// the turn that merges them.
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** One holder at a time, in the order asked: a slot starts after the previous holder released its own and
 *  `gap` ms (or a turn of the event loop) passed, and lasts until `take`'s release is called. */
export class PacedSlots {
  readonly #gap: number;
  #last: Promise<void> = Promise.resolve();

  constructor(gap: number) {
    this.#gap = gap;
  }

  take(): Promise<() => void> {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const start = this.#last.then(() => (this.#gap > 0 ? sleep(this.#gap) : nextTurn()));
    this.#last = held;
    return start.then(() => release);
  }
}
