// Builders of leads for tests, benchmarks and demo seeding: a valid Lead from a few fields, so callers
// state only what matters to them. Pure. The numbers are valid-looking +1 212 55x xxxx numbers for
// emulators and tests only (never dialed through the real Dialpad).
import type { Lead, PhoneSlot } from './lead.js';
import { MAX_NUMBERS_PER_LEAD, type PhoneStatus } from './status.js';

export interface SlotSpec {
  status?: PhoneStatus;
  retryAt?: number | null;
  /** Override the E.164 number (null = empty slot). */
  e164?: string | null;
}

/** A valid US number for slot `i` of lead `n`: +1 212 55x xxxx (test data). */
export function fictionalNumber(n: number, i: number): string {
  const line = String((n * 10 + i) % 10_000).padStart(4, '0');
  return `+1212${550 + (Math.floor(n / 1000) % 10)}${line}`;
}

export function makeLead(
  spec: {
    rowId?: string;
    rowNumber?: number;
    name?: string;
    /** One entry per used slot (others empty); a number means "that many NEW numbers". */
    numbers?: readonly SlotSpec[] | number;
    attemptCount?: number;
    nextIndex?: number;
    timeZone?: string | null;
    notes?: string;
    lastOutcome?: string;
  } = {},
): Lead {
  const rowNumber = spec.rowNumber ?? 2;
  const specs: readonly SlotSpec[] =
    typeof spec.numbers === 'number'
      ? Array.from({ length: spec.numbers }, () => ({}))
      : (spec.numbers ?? [{}]);
  const numbers: PhoneSlot[] = [];
  for (let i = 0; i < MAX_NUMBERS_PER_LEAD; i++) {
    const s = specs[i];
    if (!s) {
      numbers.push({ index: i, raw: '', e164: null, status: 'NEW', skipReason: null, retryAt: null });
      continue;
    }
    const e164 = s.e164 === undefined ? fictionalNumber(rowNumber, i) : s.e164;
    numbers.push({
      index: i,
      raw: e164 ?? '',
      e164,
      status: s.status ?? 'NEW',
      skipReason: null,
      retryAt: s.retryAt ?? null,
    });
  }
  return {
    rowId: spec.rowId ?? `L${rowNumber}`,
    rowNumber,
    name: spec.name ?? `Lead ${rowNumber}`,
    numbers,
    notes: spec.notes ?? '',
    lastOutcome: spec.lastOutcome ?? '',
    attemptCount: spec.attemptCount ?? 0,
    nextIndex: spec.nextIndex ?? 0,
    timeZone: spec.timeZone ?? null,
  };
}
