// Calling-window questions the policy asks per zone (not per lead).
import type { CallingHours } from '../campaign.js';
import { evaluateCallingWindow } from '../calling-window.js';

export function zoneInWindow(hours: CallingHours | null, zone: string, now: number): boolean {
  return hours === null || evaluateCallingWindow(hours, zone, now).inWindow;
}

/** First instant ≥ t inside the window (t itself when inside); null when the window never opens. */
export function zoneOpenFrom(hours: CallingHours | null, zone: string, t: number): number | null {
  if (hours === null) return t;
  const w = evaluateCallingWindow(hours, zone, t);
  return w.inWindow ? t : w.nextOpenAt;
}
