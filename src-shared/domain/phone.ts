// Phone numbers: normalise what people type into a sheet to E.164, mask numbers for logs, format them
// for the agent's screen. Pure (libphonenumber-js with its default "min" metadata, small enough for the
// renderer bundle too).
//
// Accepted input: digits with spaces, dots, dashes, slashes and parentheses, an optional leading "+",
// an optional "tel:" prefix. An extension ("x45", "ext. 45", "extension 45", "#45", ";ext=45") is
// STRIPPED and returned beside the number: Dialpad's initiate_call dials E.164 only, and the main line
// still reaches the lead. Anything else (letters, two numbers in one cell) is rejected.
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js';

export type { CountryCode } from 'libphonenumber-js';

export type NormalizedPhone =
  | { ok: true; e164: string /** Stripped extension digits, when the input had one. */; extension?: string }
  | { ok: false; reason: string };

const EXTENSION_RE = /\s*(?:;\s*ext\s*=|ext(?:ension)?\.?|x|#)\s*(\d{1,7})\s*$/i;
const ALLOWED_RE = /^\+?[\d\s().\-/]+$/;

/** Results of normalizePhone by country and input: a function of its arguments only, and every periodic
 *  re-read of a tab parses the same numbers again (libphonenumber was most of a 500-tab refresh's CPU). */
const NORMALIZED_MEMO_LIMIT = 200_000;
const normalizedMemo = new Map<CountryCode, Map<string, NormalizedPhone>>();

export function normalizePhone(raw: string, defaultCountry: CountryCode = 'US'): NormalizedPhone {
  let byRaw = normalizedMemo.get(defaultCountry);
  if (byRaw === undefined) {
    byRaw = new Map();
    normalizedMemo.set(defaultCountry, byRaw);
  }
  const known = byRaw.get(raw);
  if (known !== undefined) return known;
  const result = Object.freeze(normalizeUncached(raw, defaultCountry));
  if (byRaw.size >= NORMALIZED_MEMO_LIMIT) byRaw.clear();
  byRaw.set(raw, result);
  return result;
}

function normalizeUncached(raw: string, defaultCountry: CountryCode): NormalizedPhone {
  let s = raw.trim();
  if (s === '') return { ok: false, reason: 'empty' };
  if (/^tel:/i.test(s)) s = s.slice(4).trim();
  let extension: string | undefined;
  const ext = EXTENSION_RE.exec(s);
  if (ext) {
    extension = ext[1];
    s = s.slice(0, ext.index).trim();
  }
  if (!ALLOWED_RE.test(s))
    return { ok: false, reason: 'unexpected characters (only digits, + ( ) . - / and spaces)' };
  const digits = s.replace(/\D/g, '');
  if (digits.length < 7) return { ok: false, reason: 'too short' };
  if (digits.length > 15) return { ok: false, reason: 'too long (E.164 allows 15 digits)' };
  const parsed = parsePhoneNumberFromString(s, defaultCountry);
  if (!parsed) return { ok: false, reason: 'not a phone number' };
  if (!parsed.isValid())
    return { ok: false, reason: `not a valid number for ${parsed.country ?? defaultCountry}` };
  return extension === undefined
    ? { ok: true, e164: parsed.number }
    : { ok: true, e164: parsed.number, extension };
}

/** The countries' calling codes: prefix-free (ITU E.164), so the first 1–3 digits that are one name it. */
let countryCallingCodes: ReadonlySet<string> | null = null;

/** Country calling code of an E.164 number ("+12125550123" → "1"), or null. A table lookup for a
 *  country's code (a libphonenumber parse per dialed number was ~60 µs); others (+800…) are parsed. */
function callingCode(e164: string): string | null {
  countryCallingCodes ??= new Set(getCountries().map((c) => getCountryCallingCode(c)));
  for (let n = 1; n <= 3; n++) {
    const cc = e164.slice(1, 1 + n);
    if (countryCallingCodes.has(cc)) return cc;
  }
  const p = parsePhoneNumberFromString(e164);
  return p ? p.countryCallingCode : null;
}

function maskDigits(digits: string, keepLast: number): string {
  const keep = Math.min(keepLast, digits.length);
  return '*'.repeat(digits.length - keep) + digits.slice(digits.length - keep);
}

/**
 * "+12125554567" → "+1******4567" (memoized per input, as normalizePhone: every log line masks the same few
 * numbers again): the country code and the last 4 digits stay, every other digit is a
 * star. Input that is not E.164 is normalised first; if that fails every digit but the last 4 is starred
 * (a leading "+" is kept), so a malformed number never leaks either.
 */
const maskedMemo = new Map<string, string>();

export function maskPhone(e164OrRaw: string): string {
  const known = maskedMemo.get(e164OrRaw);
  if (known !== undefined) return known;
  const masked = maskUncached(e164OrRaw);
  if (maskedMemo.size >= NORMALIZED_MEMO_LIMIT) maskedMemo.clear();
  maskedMemo.set(e164OrRaw, masked);
  return masked;
}

function maskUncached(e164OrRaw: string): string {
  const s = e164OrRaw.trim();
  const e164 = /^\+\d{7,15}$/.test(s)
    ? s
    : (() => {
        const n = normalizePhone(s);
        return n.ok ? n.e164 : null;
      })();
  if (e164) {
    const cc = callingCode(e164);
    if (cc) return `+${cc}${maskDigits(e164.slice(1 + cc.length), 4)}`;
  }
  const digits = s.replace(/\D/g, '');
  return (s.startsWith('+') ? '+' : '') + maskDigits(digits, 4);
}

// A phone-looking run: optional "+", then digits mixed with separators, at least 7 digits in all.
const PHONE_RUN_RE = /\+?\(?\d[\d\s().\-/]{5,}\d/g;
// ISO dates and times are digit runs too; they carry no personal data and keep logs readable.
const DATE_LIKE_RE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}(?::\d{2})*)?$|^\d{2}:\d{2}(?::\d{2})*$/;

/**
 * Masks every phone-looking run inside free text (log redaction). Errs on the side of masking: any run of
 * 7+ digits with phone punctuation is masked, except ISO dates/times.
 */
export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_RUN_RE, (run) => {
    const trimmed = run.trim();
    const digitCount = trimmed.replace(/\D/g, '').length;
    if (digitCount < 7 || DATE_LIKE_RE.test(trimmed)) return run;
    return maskPhone(trimmed);
  });
}

/**
 * The number as the agent reads it: national format for numbers of `homeCountry` ("(212) 555-0123"),
 * international format for any other country ("+44 20 7946 0958"). Unparseable input is returned as is.
 */
export function formatPhoneForDisplay(e164: string, homeCountry: CountryCode = 'US'): string {
  const p = parsePhoneNumberFromString(e164, homeCountry);
  if (!p) return e164;
  return p.country === homeCountry ? p.formatNational() : p.formatInternational();
}
