// How a callback time reads on the agent's screen: lead-local, with the zone's abbreviation
// ("Tue 01 Dec 10:00 EST"), and how far away it is ("in 2 h 05 min", "due now").
import { localDateTime } from '../../../src-shared/domain/callback';
import { zoneAbbreviation } from '../../../src-shared/domain/calling-window';

const DAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function leadLocal(at: number, zone: string): string {
  const l = localDateTime(at, zone);
  const [, m, d] = l.date.split('-');
  return `${DAYS[l.weekday] ?? ''} ${d} ${MONTHS[Number(m) - 1] ?? ''} ${l.time} ${zoneAbbreviation(zone, at)}`;
}

export function untilText(at: number, now: number): string {
  const mins = Math.round((at - now) / 60_000);
  if (mins <= 0) return 'due now';
  if (mins < 60) return `in ${mins} min`;
  const h = Math.floor(mins / 60);
  if (h < 48) return `in ${h} h ${String(mins % 60).padStart(2, '0')} min`;
  return `in ${Math.round(h / 24)} days`;
}
