// Calling compliance end to end (Chromium, real coordinator on Redis, both emulators): a campaign whose
// calling hours are open in New York but closed in Honolulu right now (whatever the hour: the window is
// built around New York's clock). The agent's tab has a Honolulu lead first and a New York lead second,
// neither with a TimeZone cell: the dialer infers the zones from the numbers, skips the Honolulu lead,
// dials the New York one with the New York caller ID (local presence, recorded by Dialpad), and the lead
// card says which window applies. After the call, "nothing to dial" says why the other lead was skipped.
// Screenshots: calling-window.png, skipped-outside-hours.png (screenshots/).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_OPTIONAL_COLUMNS, AGENT_TAB_HEADER } from '../src-shared/domain/sheet-codec';
import { launchChromium } from '../test/support/chromium';
import { type RedisServerHandle, startRedisServer } from '../test/support/redis-server';
import { type Stack, startStack } from './support/stack';
import { adminJson, endCall, LONG, screenshot, signIn, waitForStore } from './support/ui';

const ANA = 'ana@demo.turbodialer.example'; // Spring Solar
const NY_LINE = '+12125550100';
const HONOLULU_LINE = '+18085550100';

/** A window from an hour before to two hours after New York's current hour, every day. Honolulu is five or
 *  six hours behind New York, so its local time is outside it; the window may run past midnight. */
function openInNewYorkOnly(now: Date) {
  const h = Number(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(now),
  );
  const hh = (x: number) => `${String((x + 24) % 24).padStart(2, '0')}:00`;
  return { start: hh(h - 1), end: hh(h + 2), days: [1, 2, 3, 4, 5, 6, 7] };
}

/** One agent-tab row: RowID, Name, Num1, nine empty numbers, ten empty statuses, Notes…, no TimeZone. */
function leadRow(rowId: string, name: string, number: string, width: number): string[] {
  const row = [rowId, name, number, ...Array<string>(9).fill(''), ...Array<string>(10).fill('')];
  row.push('', '', '', '');
  while (row.length < width) row.push('');
  return row;
}

// Computed once: the rules and the assertion must agree even if the test runs across an hour boundary.
const HOURS = openInNewYorkOnly(new Date());

describe('calling compliance: zones from the numbers, the window line, a lead skipped outside its hours', () => {
  let redis: RedisServerHandle;
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startStack({
      redisUrl: redis.url,
      leadsPerAgent: 2,
      dialpadOptions: { rateLimitPerMin: null },
      rules: {
        'Spring Solar': { callingHours: HOURS, callerIds: [HONOLULU_LINE, NY_LINE] },
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
    // Ana's tab: a Honolulu lead, then a New York lead (no TimeZone cells), and nothing else.
    const title = 'Leads - Ana Ortiz';
    const width = stack.sheets.state.getValues(stack.routerSpreadsheetId, title)[0]?.length ?? 30;
    const optional = AGENT_TAB_HEADER.length + AGENT_OPTIONAL_COLUMNS.length;
    expect(stack.sheets.state.getValues(stack.routerSpreadsheetId, title)[0]?.slice(0, optional)).toEqual([
      ...AGENT_TAB_HEADER,
      ...AGENT_OPTIONAL_COLUMNS,
    ]);
    stack.sheets.state.setRows(
      stack.routerSpreadsheetId,
      title,
      [
        leadRow('H1', 'Kai Kahale', '(808) 555-0142', width),
        leadRow('N1', 'Nora Cohen', '(212) 555-0143', width),
        ...Array.from({ length: 4 }, () => Array<string>(width).fill('')),
      ],
      2,
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await redis?.stop();
  });

  it("skips the Honolulu lead, dials New York from New York's line, and says which window applies", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, stack.baseUrl, ANA);
    await page.keyboard.press('Space');
    const s = await waitForStore(
      page,
      (st) => st.call.call?.state === 'RINGING' || st.call.call?.state === 'CONNECTED',
    );
    const call = s.call.call!;
    expect(await page.getByTestId('lead-name').textContent()).toBe('Nora Cohen');
    expect(call.callerId).toBe(NY_LINE);

    const line = page.getByRole('note', { name: 'Calling window' });
    await line.waitFor({ timeout: LONG });
    const text = (await line.textContent()) ?? '';
    expect(text).toMatch(/Local time \d\d:\d\d E[SD]T/);
    expect(text).toContain('(US-NY, from the number)');
    expect(text).toContain(`window Every day ${HOURS.start}–${HOURS.end}`);
    expect(text).toContain('· open');
    expect(text).toContain('calling from (212) 555-0100');
    // Dialpad was asked for New York's line and the call shows it.
    const calls = await adminJson<{ calls: { custom_data: string | null; internal_number: string }[] }>(
      stack.dialpad.url,
      '/__emulator/calls',
    );
    expect(calls.calls.find((c) => c.custom_data?.includes(call.callId))?.internal_number).toBe(NY_LINE);
    await screenshot(page, 'calling-window');

    // The call ends; dispose it (Wrong number): the Honolulu lead is all that is left, outside its hours.
    await endCall(stack.dialpad.url, call.callId, 'hangup');
    await page.getByRole('dialog').waitFor({ timeout: LONG });
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await waitForStore(page, (st) => st.preview.nothing !== null);
    const nothing = page.getByRole('status', { name: 'Nothing to dial' });
    await nothing.waitFor({ timeout: LONG });
    const why = (await nothing.textContent()) ?? '';
    expect(why).toMatch(/outside calling hours/i);
    expect(why).toContain('1 outside their calling hours');
    await screenshot(page, 'skipped-outside-hours');
    await context.close();
  });
});
