// Phone numbers as the agent reads them. The shared formatter (formatPhoneForDisplay in
// src-shared/domain/phone.ts) is being written by another engineer; until it lands this small stand-in keeps
// the renderer independent of libphonenumber's metadata (which would add ~40 kB gzip to the bundle):
// North American numbers are grouped "+1 (212) 555-0123", anything else is shown as E.164.
export function displayPhone(e164: string | null, raw: string): string {
  if (!e164) return raw.trim() === '' ? '—' : raw;
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `+1 (${m[1]}) ${m[2]}-${m[3]}` : e164;
}
