// The Call log row a disposition queues: its duration is filled in when this instance saw the call end,
// so the flusher reads nothing for it; otherwise it stays open and the flusher takes it from the call.
import { describe, expect, it } from 'vitest';
import { callLogEntryOf } from '../../src/service/call-log-entry.js';
import { call } from '../store/store-fixtures.js';

const input = { code: 'NO_ANSWER', notes: 'left a message' };

describe('callLogEntryOf', () => {
  it('writes the duration of a call seen ended: connected to ended, in whole seconds', () => {
    const seen = { ...call('c1', 's1', 'r1'), state: 'ENDED' as const, connectedAt: 10_000, endedAt: 41_400 };
    const row = callLogEntryOf(seen, 'Spring', input, 99_000, seen);
    expect(row).toMatchObject({ callId: 'c1', durationS: 31, numberLast4: '0100', disposition: 'NO_ANSWER' });
    const never = { ...seen, connectedAt: null }; // rang out: never connected
    expect(callLogEntryOf(never, 'Spring', input, 99_000, never).durationS).toBe(0);
  });

  it('leaves it to the flusher when the call was not seen ended here (still live, another call, unknown)', () => {
    const live = { ...call('c1', 's1', 'r1'), state: 'CONNECTED' as const, connectedAt: 10_000 };
    expect(callLogEntryOf(live, 'Spring', input, 99_000, live).durationS).toBeNull();
    const other = { ...live, callId: 'c0', state: 'ENDED' as const, endedAt: 20_000 };
    expect(callLogEntryOf(live, 'Spring', input, 99_000, other).durationS).toBeNull();
    expect(callLogEntryOf(live, 'Spring', input, 99_000, null).durationS).toBeNull();
  });
});
