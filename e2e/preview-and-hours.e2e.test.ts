// The agent UI's other screens end to end (Chromium, real coordinator on Redis, both emulators): a campaign
// with a preview countdown (the next lead counts down; S skips it, SKIPPED with the purple background in the
// sheet; D dials at once), the same screen in a narrow window, and a campaign outside its calling hours.
// Screenshots: preview.png, narrow-call.png, outside-hours.png, narrow-outside-hours.png (screenshots/).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIPPED_BACKGROUND_HEX } from '../src-shared/domain/status';
import { launchChromium } from '../test/support/chromium';
import { type RedisServerHandle, startRedisServer } from '../test/support/redis-server';
import { type Stack, startStack } from './support/stack';
import { adminJson, COL, eventually, LONG, screenshot, signIn, tabValues, waitForStore } from './support/ui';

const ANA = 'ana@demo.turbodialer.example'; // Spring Solar: outside its calling hours here
const CHLOE = 'chloe@demo.turbodialer.example'; // Roof Renewals: 60 s preview countdown here
const COUNTDOWN_S = 60;

/** A one-minute window on a weekday three days from today (UTC): whatever a lead's time zone (±14 h), its
 *  local day is yesterday, today or tomorrow, so every lead is outside its window now. */
function closedCallingHours(now: Date) {
  const isoToday = ((now.getUTCDay() + 6) % 7) + 1;
  return { start: '03:00', end: '03:01', days: [((isoToday + 2) % 7) + 1] };
}

/** Sheets' 0..1 float colour as #RRGGBB. */
function hex(c: { red?: number; green?: number; blue?: number } | null): string | null {
  if (!c) return null;
  const h = (v = 0) =>
    Math.round(v * 255)
      .toString(16)
      .padStart(2, '0')
      .toUpperCase();
  return `#${h(c.red)}${h(c.green)}${h(c.blue)}`;
}

describe('preview countdown, narrow window, outside calling hours', () => {
  let redis: RedisServerHandle;
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startStack({
      redisUrl: redis.url,
      dialpadOptions: { rateLimitPerMin: null },
      rules: {
        'Roof Renewals': { callingHours: null, previewCountdownSeconds: COUNTDOWN_S },
        'Spring Solar': { callingHours: closedCallingHours(new Date()) },
      },
    });
    await adminJson(stack.dialpad.url, '/__emulator/timings', {
      method: 'PUT',
      body: JSON.stringify({ dialMs: 100, ringMs: 400, talkMs: 60_000, noAnswerMs: 60_000, jitter: 0 }),
    });
    await adminJson(stack.dialpad.url, '/__emulator/outcomes', {
      method: 'POST',
      body: JSON.stringify({ plan: { default: 'manual' } }),
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await redis?.stop();
  });

  async function pendingPreview(page: Page, notPreviewId: string | null = null) {
    const s = await waitForStore(
      page,
      (st, prev) => !!st.preview.pending && st.preview.pending.previewId !== prev,
      notPreviewId,
    );
    return { pending: s.preview.pending!, session: s.session.session! };
  }

  it('the next lead counts down; S skips it (SKIPPED, purple in the sheet); D dials at once', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await signIn(page, stack.baseUrl, CHLOE);
    await page.keyboard.press('Space');
    const first = await pendingPreview(page);
    expect(first.session.previewCountdownSeconds).toBe(COUNTDOWN_S);

    const panel = page.getByRole('region', { name: 'Preview' });
    await panel.waitFor({ timeout: LONG });
    expect(await panel.textContent()).toContain(first.pending.preview.lead.name);
    const seconds = Number(await panel.getByRole('timer').locator('div').first().textContent());
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(COUNTDOWN_S);
    // Nothing contradicts the countdown: no "waiting" call panel, the number is "next up", not being dialed.
    expect(await page.getByTestId('call-state').count()).toBe(0);
    expect(await page.getByRole('list', { name: 'Phone numbers' }).textContent()).toMatch(/next up/i);
    await screenshot(page, 'preview');

    // S: the previewed number becomes SKIPPED, and the next pick is previewed (another lead, or this lead's
    // next open number: Skip skips the number, as DESIGN's preview rule says).
    await page.keyboard.press('s');
    const second = await pendingPreview(page, first.pending.previewId);
    const lead = first.pending.preview.lead;
    const col = COL.status(first.pending.preview.numberIndex);
    await stack.flushSheets();
    const row = await eventually(async () => {
      const v = await tabValues(stack.sheets.url, first.session.spreadsheetId, first.session.tabTitle);
      const r = v[lead.rowNumber - 1];
      return r?.[col] === 'SKIPPED' ? r : undefined;
    });
    expect(row[0]).toBe(lead.rowId);
    const sheetId = stack.sheets.state.sheetIdOf(first.session.spreadsheetId, first.session.tabTitle);
    expect(
      hex(stack.sheets.state.getBackground(first.session.spreadsheetId, sheetId, lead.rowNumber, col)),
    ).toBe(SKIPPED_BACKGROUND_HEX);
    expect([second.pending.preview.lead.rowId, second.pending.preview.numberIndex]).not.toEqual([
      lead.rowId,
      first.pending.preview.numberIndex,
    ]);

    // D: the previewed lead is dialed now, long before the countdown ends.
    await page.keyboard.press('d');
    const call = await waitForStore(
      page,
      (st, rowId) =>
        st.call.call?.leadRowId === rowId &&
        (st.call.call.state === 'RINGING' || st.call.call.state === 'CONNECTED'),
      second.pending.preview.lead.rowId,
    );
    expect(call.preview.pending).toBeNull();
    await page.getByTestId('call-state').waitFor({ timeout: LONG });

    // The same screen in a narrow window (a side-by-side layout on a laptop).
    await page.setViewportSize({ width: 420, height: 800 });
    await waitForStore(page, (st) => st.call.call?.state === 'CONNECTED');
    await screenshot(page, 'narrow-call');
    await page.keyboard.press('Space'); // pause: no next preview after this call
    await context.close();
  });

  it('outside calling hours: says so in plain words, with when calling resumes', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await signIn(page, stack.baseUrl, ANA);
    await page.keyboard.press('Space');
    await waitForStore(page, (s) => s.preview.nothing !== null);
    const panel = page.getByRole('status', { name: 'Nothing to dial' });
    await panel.waitFor({ timeout: LONG });
    const text = (await panel.textContent()) ?? '';
    expect(text).toMatch(/outside calling hours/i);
    expect(text).toMatch(/outside their calling hours/);
    // Calling resumes days from now: the day is named, not a bare clock time that reads as today.
    expect(text).toMatch(/can be dialed (tomorrow|on [A-Z][a-z]{2}) /);
    expect(await page.getByTestId('call-state').count()).toBe(0);
    await screenshot(page, 'outside-hours');
    await page.setViewportSize({ width: 420, height: 800 });
    await screenshot(page, 'narrow-outside-hours');
    await context.close();
  });
});
