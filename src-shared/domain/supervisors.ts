// Supervisors as the router spreadsheet names them: a `Supervisors` tab beside the router with the header
// `Email | Campaigns | Active`. Campaigns is a comma- or semicolon-separated list of campaign names (as the
// router's CampaignName column spells them, case-insensitive) or `*` for every campaign. A supervisor sees
// the agents whose router row has one of their campaigns. Bad rows are skipped and reported, never guessed.
import { DomainError } from './errors.js';

export const SUPERVISORS_TAB = 'Supervisors';
export const SUPERVISORS_HEADER = ['Email', 'Campaigns', 'Active'] as const;

export interface SupervisorEntry {
  email: string;
  /** Campaign names as written, or ['*'] for every campaign. */
  campaigns: string[];
  active: boolean;
}

export interface SupervisorRowError {
  /** 1-based sheet row. */
  row: number;
  column: 'A' | 'B' | 'C';
  message: string;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TRUE_WORDS = new Set(['TRUE', 'YES', 'Y', '1']);
const FALSE_WORDS = new Set(['FALSE', 'NO', 'N', '0', '']);
const canon = (s: string) => s.replace(/[\s_]+/g, '').toLowerCase();

/** Decodes the Supervisors tab (header row first). Throws HEADER_MISMATCH naming the column. */
export function parseSupervisorRows(values: readonly (readonly string[])[]): {
  entries: SupervisorEntry[];
  rowErrors: SupervisorRowError[];
} {
  const header = values[0] ?? [];
  SUPERVISORS_HEADER.forEach((want, c) => {
    const found = String(header[c] ?? '').trim();
    if (canon(found) !== canon(want)) {
      const column = 'ABC'[c] ?? '?';
      throw new DomainError(
        'HEADER_MISMATCH',
        `Supervisors tab: header column ${column} is "${found}": expected "${want}"`,
        {
          column,
          expected: want,
          found,
        },
      );
    }
  });
  const entries: SupervisorEntry[] = [];
  const rowErrors: SupervisorRowError[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < values.length; i++) {
    const cells = values[i] ?? [];
    const cell = (c: number) => String(cells[c] ?? '').trim();
    if ([0, 1, 2].every((c) => cell(c) === '')) continue;
    const row = i + 1;
    const email = cell(0).toLowerCase();
    if (!EMAIL_RE.test(email)) {
      rowErrors.push({ row, column: 'A', message: `Email "${email}" is not an email address` });
      continue;
    }
    if (seen.has(email)) {
      rowErrors.push({ row, column: 'A', message: `supervisor ${email} is listed twice` });
      continue;
    }
    const campaigns = cell(1)
      .split(/[,;]/)
      .map((c) => c.trim())
      .filter((c) => c !== '');
    if (campaigns.length === 0) {
      rowErrors.push({ row, column: 'B', message: 'Campaigns is empty (name campaigns, or * for all)' });
      continue;
    }
    const activeText = cell(2).toUpperCase();
    if (!TRUE_WORDS.has(activeText) && !FALSE_WORDS.has(activeText)) {
      rowErrors.push({ row, column: 'C', message: `Active "${cell(2)}" is not TRUE or FALSE` });
      continue;
    }
    seen.add(email);
    entries.push({
      email,
      campaigns: campaigns.includes('*') ? ['*'] : campaigns,
      active: TRUE_WORDS.has(activeText),
    });
  }
  return { entries, rowErrors };
}

/** Whether a supervisor's campaign list covers a campaign (names compared case-insensitively). */
export function supervisesCampaign(campaigns: readonly string[], campaignName: string): boolean {
  const name = campaignName.trim().toLowerCase();
  return campaigns.some((c) => c === '*' || c.trim().toLowerCase() === name);
}

/** The campaigns a supervisor sees, among those the router names (sorted, each once). */
export function campaignsOf(campaigns: readonly string[], routerCampaigns: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const c of routerCampaigns) if (supervisesCampaign(campaigns, c)) out.add(c);
  return [...out].sort();
}
