// The replay rule of the per-agent event stream: whether a client that last saw `afterSeq` missed events
// that are no longer kept (then it must re-sync its whole state instead of replaying).

/** A replay has a hole when events after `afterSeq` exist but the first one kept is not afterSeq+1, or
 *  when the client claims a seq the server never issued (its stream was reset). */
export function isTruncated(afterSeq: number, lastSeq: number, events: readonly { seq: number }[]): boolean {
  if (afterSeq > lastSeq) return true;
  if (afterSeq === lastSeq) return false;
  const first = events[0];
  return !first || first.seq > afterSeq + 1;
}
