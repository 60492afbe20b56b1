// Scans log lines for what must never be in them: any phone number the data holds (every number cell of the
// emulated Sheets, plus numbers the test sent itself), in any formatting (digits are compared with the
// separators taken out), and secrets (JWT secret, webhook secret, tokens) verbatim.
import type { ParsedSheetsFixture } from '../../../emulators/sheets/fixture.js';

/** The 10 last digits of every phone-like cell (10–15 digits once separators are removed). */
export function phoneDigitsIn(sheets: ParsedSheetsFixture): Set<string> {
  const out = new Set<string>();
  for (const ss of sheets.spreadsheets)
    for (const sh of ss.sheets)
      for (const row of sh.rows)
        for (const cell of row) {
          if (typeof cell !== 'string' && typeof cell !== 'number') continue;
          const text = String(cell);
          if (!/^[\d\s().+-]+$/.test(text)) continue;
          const digits = text.replace(/\D/g, '');
          if (digits.length >= 10 && digits.length <= 15) out.add(digits.slice(-10));
        }
  return out;
}

/** Digit runs of a line, separators (space, dot, dash, parentheses, plus) removed inside a run. */
function digitRuns(line: string): string[] {
  return (line.match(/\d[\d\s().+-]{8,}\d/g) ?? []).map((r) => r.replace(/\D/g, ''));
}

export function scanLogs(
  lines: readonly string[],
  o: { phones: ParsedSheetsFixture; secrets: readonly string[]; extraPhones?: readonly string[] },
): string[] {
  const phones = phoneDigitsIn(o.phones);
  for (const p of o.extraPhones ?? []) phones.add(p.replace(/\D/g, '').slice(-10));
  const found: string[] = [];
  for (const [i, line] of lines.entries()) {
    for (const run of digitRuns(line)) {
      for (const p of phones) if (run.includes(p)) found.push(`line ${i}: phone …${p.slice(-4)} in clear`);
    }
    for (const secret of o.secrets) if (secret && line.includes(secret)) found.push(`line ${i}: a secret`);
  }
  return found;
}
