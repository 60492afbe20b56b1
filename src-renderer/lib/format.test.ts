// The "when" an agent reads in the nothing panel and on retry chips: a time days ahead must name the day.
import { describe, expect, it } from 'vitest';
import { formatWhen } from './format';

const at = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min).getTime();

describe('formatWhen', () => {
  const now = at(2026, 11, 25, 14, 0); // a Wednesday
  it('today is just the clock time', () => {
    expect(formatWhen(at(2026, 11, 25, 16, 5), now)).toBe('at 16:05');
  });
  it('tomorrow says so, even when the clock time is earlier than now', () => {
    expect(formatWhen(at(2026, 11, 26, 8, 0), now)).toBe('tomorrow at 08:00');
  });
  it('later this week names the weekday; beyond a week the date', () => {
    expect(formatWhen(at(2026, 11, 28, 8, 0), now)).toBe('on Sat at 08:00');
    expect(formatWhen(at(2026, 12, 12, 8, 0), now)).toBe('on Sat 12 Dec at 08:00');
  });
});
