// Phone masking for emulator log lines (DESIGN.md security rules: numbers never appear in clear in logs).
// Kept local so the emulators do not depend on a shared helper being written concurrently.

/** "+14155550134" → "+1******0134"; anything shorter than 5 digits is fully masked. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 5) return '*'.repeat(digits.length);
  const cc = phone.startsWith('+') ? `+${digits.slice(0, 1)}` : '';
  const rest = cc ? digits.slice(1) : digits;
  return `${cc}${'*'.repeat(rest.length - 4)}${rest.slice(-4)}`;
}
