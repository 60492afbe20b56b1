// Callbacks (issue 10) in Chromium against the real stack (redis-server, emulators, the built web UI):
// schedule one from the disposition modal (B, a lead-local quick choice), see it in "Callbacks due" and in
// the sheet's CallbackAt / CallbackAgent cells; a person moves it to now in the sheet and it is offered
// first (the tab is re-read every second here); dial one from the list while paused; cancel one.
// Roles and labels, as an agent (or a screen reader) finds things.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../test/support/chromium';
import { type RedisServerHandle, startRedisServer } from '../test/support/redis-server';
import { type Stack, startStack } from './support/stack';
import {
  adminJson,
  endCall,
  eventually,
  LONG,
  screenshot,
  signIn,
  tabValues,
  waitForStore,
} from './support/ui';

const BEN = 'ben@demo.turbodialer.example';
const TITLE = 'Leads - Ben Carter';

describe('callbacks (issue 10) in Chromium', () => {
  let redis: RedisServerHandle;
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startStack({
      redisUrl: redis.url,
      dialpadOptions: { rateLimitPerMin: null },
      // The tab is re-read every second, so a person's edit of CallbackAt reaches the dialer at once.
      env: { TAB_REFRESH_MS: '1000' },
    });
    await adminJson(stack.dialpad.url, '/__emulator/timings', {
      method: 'PUT',
      body: JSON.stringify({ dialMs: 100, ringMs: 400, talkMs: 600_000, noAnswerMs: 600_000, jitter: 0 }),
    });
    await adminJson(stack.dialpad.url, '/__emulator/outcomes', {
      method: 'POST',
      body: JSON.stringify({ plan: { default: 'manual' } }),
    });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await signIn(page, stack.baseUrl, BEN);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await redis?.stop();
  });

  const dialog = () => page.getByRole('dialog', { name: /how did the call go/i });
  const list = () => page.getByRole('region', { name: /callbacks due/i });

  async function liveCall(notCallId: string | null = null) {
    const s = await waitForStore(
      page,
      (st, not) =>
        !!st.call.call &&
        st.call.call.callId !== not &&
        (st.call.call.state === 'RINGING' || st.call.call.state === 'CONNECTED') &&
        // The call's events can reach the socket before the HTTP answer that carries its lead card.
        !!st.preview.lead,
      notCallId,
    );
    return { call: s.call.call!, lead: s.preview.lead!.lead };
  }

  async function endInto(callId: string) {
    await endCall(stack.dialpad.url, callId, 'missed');
    await dialog().waitFor({ timeout: LONG });
  }

  async function confirmed() {
    await page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'detached', timeout: LONG });
    await waitForStore(page, (s) => s.outbox.entries.length === 0);
  }

  /** The row of a lead in Ben's tab and the callback cells, as the Sheets emulator holds them. */
  async function callbackCells(rowId: string) {
    const values = await tabValues(stack.sheets.url, stack.routerSpreadsheetId, TITLE);
    const header = values[0] ?? [];
    const at = header.indexOf('CallbackAt');
    const agent = header.indexOf('CallbackAgent');
    const row = values.findIndex((r) => r[0] === rowId);
    return { row: row + 1, atCol: at, at: values[row]?.[at] ?? '', agent: values[row]?.[agent] ?? '' };
  }

  let first: Awaited<ReturnType<typeof liveCall>>;
  let second: Awaited<ReturnType<typeof liveCall>>;

  it('schedules a callback from the modal in the lead’s own time; the list and the sheet show it', async () => {
    await page.keyboard.press('Space');
    first = await liveCall();
    await endInto(first.call.callId);
    await page.keyboard.press('1');
    await page.keyboard.press('b');
    const step = page.getByRole('region', { name: /call back/i });
    await step.waitFor({ timeout: LONG });
    // The lead's zone is shown, and where it comes from.
    expect(await page.getByTestId('callback-zone').textContent()).toMatch(
      /^Lead's time now \d\d:\d\d \S+ · \S+ \(from the (number|sheet)\)$/,
    );
    await step.getByRole('button', { name: 'In 1 hour' }).click();
    expect(await page.getByTestId('callback-chosen').textContent()).toMatch(
      /^Callback \w{3} \d\d \w{3} \d\d:\d\d \S+ · in 1 h 0\d min · held for you$/,
    );
    expect(await step.getByRole('button', { name: 'In 1 hour' }).getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'callback-schedule');
    await confirmed();

    // Held for Ben: in his list as upcoming, while the next lead is already ringing.
    second = await liveCall(first.call.callId);
    expect(second.lead.rowId).not.toBe(first.lead.rowId);
    const item = list().getByRole('listitem', { name: `Callback ${first.lead.name}` });
    await item.waitFor({ timeout: LONG });
    expect(await item.textContent()).toMatch(/in 1 h 0\d min/);
    await screenshot(page, 'callbacks-list');

    // The sheet: ISO 8601 with the lead's offset, and the agent.
    await stack.flushSheets();
    const cells = await callbackCells(first.lead.rowId);
    expect(cells.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00[+-]\d\d:\d\d$/);
    expect(Math.abs(Date.parse(cells.at) - Date.now() - 3600_000)).toBeLessThan(6 * 60_000);
    expect(cells.agent).toBe(BEN);
  });

  it('a person moves it to now in the sheet: it turns due and is offered first, on the same number', async () => {
    const cells = await callbackCells(first.lead.rowId);
    stack.sheets.state.setCell(
      stack.routerSpreadsheetId,
      TITLE,
      cells.row,
      cells.atCol,
      new Date(Date.now() - 60_000).toISOString(),
    );
    await eventually(async () => {
      await page.evaluate(() =>
        (
          window as unknown as { __turbo: { callbacks: { refresh(): Promise<void> } } }
        ).__turbo.callbacks.refresh(),
      );
      const t =
        (await list()
          .getByRole('listitem', { name: `Callback ${first.lead.name}` })
          .textContent()) ?? '';
      return /due now/.test(t);
    });
    await screenshot(page, 'callback-due');

    // The next pick is the due callback, before every never-dialed lead.
    await endInto(second.call.callId);
    await page.keyboard.press('2');
    await confirmed();
    const back = await liveCall(second.call.callId);
    expect(back.lead.rowId).toBe(first.lead.rowId);
    expect(back.call.numberIndex).toBe(first.call.numberIndex);
    expect(await page.getByTestId('lead-name').textContent()).toBe(first.lead.name);
    expect(await page.getByRole('note', { name: 'Callback' }).textContent()).toMatch(
      /^Callback for you, due /,
    );
    await screenshot(page, 'callback-dialed-first');

    // Its call answers it: gone from the list and from the sheet.
    await endInto(back.call.callId);
    await page.keyboard.press('1');
    await confirmed();
    await waitForStore(page, (s) => s.callbacks.list.length === 0);
    await stack.flushSheets();
    expect((await callbackCells(first.lead.rowId)).at).toBe('');
    second = await liveCall(back.call.callId);
  });

  it('paused, the agent dials one from the list before it is due; another one is cancelled', async () => {
    await page.keyboard.press('Space'); // pause while it rings
    await waitForStore(page, (s) => s.session.session?.state === 'PAUSE');
    await endInto(second.call.callId);
    await page.keyboard.press('5');
    await page.keyboard.press('b');
    await page.getByRole('button', { name: 'Tomorrow 10:00' }).click();
    await confirmed();
    const dial = list().getByRole('button', { name: `Dial ${second.lead.name} now` });
    await dial.waitFor({ timeout: LONG });
    expect(
      await list()
        .getByRole('listitem', { name: `Callback ${second.lead.name}` })
        .textContent(),
    ).toMatch(/\w{3} \d\d \w{3} 10:00 \S+/);
    await dial.click();
    const early = await liveCall(second.call.callId);
    expect(early.lead.rowId).toBe(second.lead.rowId);
    await waitForStore(page, (s) => s.session.session?.state === 'PLAY');

    // Scheduled again (in 3 hours), then cancelled from the list: the sheet's cells are cleared.
    await endInto(early.call.callId);
    await page.keyboard.press('4');
    await page.keyboard.press('b');
    await page.getByRole('button', { name: 'In 3 hours' }).click();
    await confirmed();
    const cancel = list().getByRole('button', { name: `Cancel the callback of ${second.lead.name}` });
    await cancel.waitFor({ timeout: LONG });
    await cancel.click();
    await waitForStore(page, (s) => s.callbacks.list.length === 0 && s.outbox.entries.length === 0);
    await stack.flushSheets();
    expect((await callbackCells(second.lead.rowId)).at).toBe('');
  });
});
