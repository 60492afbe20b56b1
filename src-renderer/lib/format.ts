// Small display formatters for durations, times and counts (the renderer's own; the phone formatter lives in
// lib/phone.ts).

/** 0:07, 12:34, 1:02:03 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Talk time in minutes and seconds, e.g. "12m 05s" or "1h 02m". */
export function formatTalkTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return m >= 10 ? `${m}m` : `${m}m ${String(s % 60).padStart(2, '0')}s`;
}

/** When something happens, for a sentence: "at 14:05" today, "tomorrow at 08:00", "on Sat at 08:00" within a
 *  week, "on Sat 12 Dec at 08:00" beyond (a bare clock time days ahead would read as today). */
export function formatWhen(epochMs: number, now: number): string {
  const d = new Date(epochMs);
  const clock = formatClock(epochMs);
  const days = Math.round((startOfDay(d) - startOfDay(new Date(now))) / 86_400_000);
  if (days <= 0) return `at ${clock}`;
  if (days === 1) return `tomorrow at ${clock}`;
  const weekday = d.toLocaleDateString('en-US', { weekday: 'short' });
  if (days < 7) return `on ${weekday} at ${clock}`;
  const month = d.toLocaleDateString('en-US', { month: 'short' });
  return `on ${weekday} ${d.getDate()} ${month} at ${clock}`;
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Local clock time HH:MM of an epoch-ms instant. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
