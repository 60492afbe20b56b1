// Calling-window questions the policy asks per place (zones + regions, shared by many leads), not per
// lead. A place is inside its window when, in every one of its zones, the campaign's hours hold, the
// lead-local date is not a holiday, and every stricter region rule that names one of its regions holds.
import type { CallingSchedule, CampaignRules, RegionHours } from '../campaign.js';
import { evaluateCallingWindow } from '../calling-window.js';
import { hasWindow, type LeadPlace } from './lead-rules.js';

type Place = Pick<LeadPlace, 'zones' | 'regions'>;
type Part = { schedule: CallingSchedule; zone: string };

/** "US" names every "US-…" region; "US-CA" names itself. */
const names = (rule: string, region: string) => region === rule || region.startsWith(`${rule}-`);

/** The stricter region rules that name one of these regions. */
export function regionRulesFor(rules: CampaignRules, regions: readonly string[]): RegionHours[] {
  return (rules.regionHours ?? []).filter((r) =>
    r.regions.some((rule) => regions.some((region) => names(rule, region))),
  );
}

/** Every day, all day: the campaign's part when it has no hours but does have holidays. */
const ALL_DAY: CallingSchedule = { start: '00:00', end: '00:00', days: [1, 2, 3, 4, 5, 6, 7] };

/** The schedules that apply to a place, once per zone: the campaign's and every matching region rule's. */
function parts(rules: CampaignRules, place: Place): Part[] {
  const schedules: CallingSchedule[] = [];
  if (rules.callingHours !== null) schedules.push(rules.callingHours);
  else if ((rules.holidays?.length ?? 0) > 0) schedules.push(ALL_DAY);
  for (const r of rules.regionHours ?? [])
    if (r.regions.some((rule) => place.regions.some((region) => names(rule, region))))
      schedules.push(r.hours);
  const out: Part[] = [];
  for (const zone of place.zones) for (const schedule of schedules) out.push({ schedule, zone });
  return out;
}

/** Inside the window in every zone of the place (no window configured: always). */
export function placeInWindow(rules: CampaignRules, place: Place, now: number): boolean {
  if (!hasWindow(rules)) return true; // no schedule to build per place
  for (const p of parts(rules, place))
    if (!evaluateCallingWindow(p.schedule, p.zone, now, rules.holidays).inWindow) return false;
  return true;
}

/** Jumps tried when the zones' windows barely overlap, before saying "not within reach". */
const MAX_JUMPS = 64;

// Answers per (rules, place, instant): a summary asks the same question for every pick that finds nothing.
const openMemo = new WeakMap<CampaignRules, Map<string, number | null>>();
const OPEN_MEMO_LIMIT = 10_000;

/** First instant ≥ t inside the window of every zone (t itself when inside); null when none is found. */
export function placeOpenFrom(rules: CampaignRules, place: Place, t: number): number | null {
  let memo = openMemo.get(rules);
  if (!memo) {
    memo = new Map();
    openMemo.set(rules, memo);
  }
  const key = `${place.zones.join('&')}|${place.regions.join('&')}|${t}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const at = openFrom(rules, place, t);
  if (memo.size >= OPEN_MEMO_LIMIT) memo.clear();
  memo.set(key, at);
  return at;
}

function openFrom(rules: CampaignRules, place: Place, t: number): number | null {
  const ps = parts(rules, place);
  let at = t;
  for (let jump = 0; jump < MAX_JUMPS; jump++) {
    let latest = at;
    for (const p of ps) {
      const w = evaluateCallingWindow(p.schedule, p.zone, at, rules.holidays);
      const opens = w.inWindow ? at : w.nextOpenAt;
      if (opens === null) return null;
      if (opens > latest) latest = opens;
    }
    if (latest === at) return at;
    at = latest;
  }
  return null;
}
