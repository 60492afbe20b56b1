// How long the flusher waits before its next flush of a spreadsheet. Each flush costs one read (the row
// re-check) and one write from the minute's shared budget (queue/quota-limits.ts: a fixed one-minute
// window). Flushing every `intervalMs` until the budget runs dry, then waiting for the next minute, lets
// the sheet fall up to a minute behind whenever others (a start storm's reads, the tab refresh) spent part
// of the minute first. So what is left is spread over what is left of the minute: with `left` requests and
// `windowEndsInMs` to go, flushes `windowEndsInMs / (left + 1)` apart use them up evenly and the next one
// falls on the fresh minute; never more often than every `intervalMs`.

export function pacedIntervalMs(intervalMs: number, left: number, windowEndsInMs: number): number {
  if (left <= 0) return Math.max(1, windowEndsInMs);
  return Math.max(intervalMs, Math.ceil(windowEndsInMs / (left + 1)));
}
