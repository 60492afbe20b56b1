// Tests' accepted disposition: row `row` of 'Tab A', its first attempt, accepted at `acceptedAt`.
import type { AcceptedDisposition } from './report.js';

export const acceptedOn = (row: number, acceptedAt: number): AcceptedDisposition => ({
  callId: `c${row}`,
  tab: 'Tab A',
  row,
  attemptAfter: 1,
  acceptedAt,
});
