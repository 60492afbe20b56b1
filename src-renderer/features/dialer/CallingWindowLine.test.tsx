// The calling-window line as the agent reads it: the lead's local time with its zone, the window, and why
// a closed or multi-zone number is (not) dialed.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallingWindowView } from '../../../src-shared/contracts/views';
import { CallingWindowLine } from './CallingWindowLine';

afterEach(cleanup);

const base: CallingWindowView = {
  inWindow: true,
  timeZone: 'America/Los_Angeles',
  localTime: '14:05',
  hours: 'Mon–Fri 08:00–21:00, Sat, Sun 09:00–20:00',
  zones: [{ timeZone: 'America/Los_Angeles', abbreviation: 'PST', localTime: '14:05', inWindow: true }],
  source: 'PHONE',
  region: 'US-CA',
  rules: [],
  holiday: false,
  nextOpenAt: null,
};

describe('CallingWindowLine', () => {
  it("says the lead's local time, its zone and the window that applies", () => {
    render(<CallingWindowLine window={base} />);
    expect(screen.getByLabelText('Calling window').textContent).toBe(
      'Local time 14:05 PST (US-CA, from the number)· window Mon–Fri 08:00–21:00, Sat, Sun 09:00–20:00· open',
    );
  });

  it('names every zone of a split area code, the region rule, and when a closed window opens', () => {
    const now = new Date(2026, 10, 25, 12, 0).getTime();
    render(
      <CallingWindowLine
        now={now}
        callerId="+19075550100"
        window={{
          ...base,
          inWindow: false,
          zones: [
            { timeZone: 'America/Adak', abbreviation: 'HST', localTime: '07:30', inWindow: false },
            { timeZone: 'America/Anchorage', abbreviation: 'AKST', localTime: '08:30', inWindow: true },
          ],
          region: 'US-AK',
          rules: ['US-AK Mon–Fri 09:00–20:00'],
          nextOpenAt: new Date(2026, 10, 25, 13, 30).getTime(),
        }}
      />,
    );
    const line = screen.getByLabelText('Calling window').textContent ?? '';
    expect(line).toContain('Local time 07:30 HST / 08:30 AKST');
    expect(line).toContain('· US-AK Mon–Fri 09:00–20:00');
    expect(line).toContain('· closed(opens at 13:30)');
    expect(line).toContain('dialed only while open in all 2 zones');
    expect(line).toContain('calling from');
  });
});
