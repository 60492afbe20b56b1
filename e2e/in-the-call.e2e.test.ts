// Issue 10 in Chromium against the real stack (real redis-server, emulators, the built web UI): the screen
// always says what happens next (no stale lead card after a disposition while paused), Enter means "reopen
// the modal" wherever focus is, time-based figures only once they mean something, and the one-line receipt
// after each disposition. Roles and labels, as an agent (or a screen reader) finds things.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../test/support/chromium';
import { type RedisServerHandle, startRedisServer } from '../test/support/redis-server';
import { type Stack, startStack } from './support/stack';
import { emulatedCalls } from '../test/support/emulator-admin';
import {
  adminJson,
  COL,
  endCall,
  eventually,
  LONG,
  screenshot,
  signIn,
  storeState,
  tabValues,
  waitForStore,
} from './support/ui';

const BEN = 'ben@demo.turbodialer.example';

describe('in the call (issue 10) in Chromium', () => {
  let redis: RedisServerHandle;
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startStack({ redisUrl: redis.url, dialpadOptions: { rateLimitPerMin: null } });
    await adminJson(stack.dialpad.url, '/__emulator/timings', {
      method: 'PUT',
      body: JSON.stringify({ dialMs: 100, ringMs: 400, talkMs: 600_000, noAnswerMs: 600_000, jitter: 0 }),
    });
    await adminJson(stack.dialpad.url, '/__emulator/outcomes', {
      method: 'POST',
      body: JSON.stringify({ plan: { default: 'manual' } }),
    });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
    await signIn(page, stack.baseUrl, BEN);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await redis?.stop();
  });

  async function liveCall(state: 'RINGING' | 'CONNECTED', notCallId: string | null = null) {
    const s = await waitForStore(
      page,
      (st, a) =>
        !!st.call.call &&
        st.call.call.callId !== a.not &&
        (st.call.call.state === a.state || (a.state === 'RINGING' && st.call.call.state === 'CONNECTED')),
      { state, not: notCallId },
    );
    return { call: s.call.call!, lead: s.preview.lead!.lead };
  }

  const dialog = () => page.getByRole('dialog', { name: /how did the call go/i });
  const sessionState = () => page.getByTestId('session-state').getAttribute('data-state');

  it('a disposition while paused leaves no stale lead card: the card says what happens next', async () => {
    await page.keyboard.press('Space');
    const first = await liveCall('RINGING');
    await page.keyboard.press('Space'); // pause while it rings
    await page.waitForFunction(
      () => document.querySelector('[data-testid="session-state"]')?.getAttribute('data-state') === 'PAUSE',
      null,
      { timeout: LONG },
    );
    await endCall(stack.dialpad.url, first.call.callId, 'missed');
    await dialog().waitFor({ timeout: LONG });
    await page.keyboard.press('5');
    await page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'detached', timeout: LONG });
    await waitForStore(page, (s) => s.outbox.entries.length === 0);

    // The receipt names what was recorded; the card no longer shows the disposed lead as next up or live.
    const receipt = page.getByRole('status', { name: 'Last disposition' });
    await receipt.waitFor({ timeout: LONG });
    expect(await receipt.textContent()).toContain(`${first.lead.name} → No answer`);
    expect(await page.getByTestId('lead-name').count()).toBe(0);
    expect(await page.getByText(/next up|this call/i).count()).toBe(0);
    expect(await page.getByTestId('call-state').textContent()).toMatch(/no call/i);
    expect(await sessionState()).toBe('PAUSE');
    await screenshot(page, 'paused-after-disposition');
  });

  it('Esc then Enter reopens the modal even with focus back on the Pause button (never pauses)', async () => {
    await page.getByRole('button', { name: /play/i }).click(); // with the mouse: focus stays on the button
    const call = await liveCall('RINGING');
    await endCall(stack.dialpad.url, call.call.callId, 'hangup');
    await dialog().waitFor({ timeout: LONG });
    await page.keyboard.press('2');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached', timeout: LONG });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('play-toggle');
    await page.keyboard.press('Enter');
    await dialog().waitFor({ timeout: LONG });
    expect(await page.getByRole('radio', { name: /wrong number/i }).isChecked()).toBe(true);
    expect(await sessionState()).toBe('PLAY');
    await page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'detached', timeout: LONG });
    expect(await sessionState()).toBe('PLAY');
  });

  it('while connected the call timer and talk time run; dials per hour waits for ten minutes', async () => {
    const call = await liveCall('CONNECTED');
    // The timer and the talk time move on while the call is connected (whatever second we look at).
    await page.waitForFunction(
      () => {
        const timer = document.querySelector('[role="timer"]')?.textContent ?? '';
        const talk = document.querySelector('[data-testid="stat-talk-time"]')?.textContent ?? '';
        return timer !== '' && timer !== '0:00' && talk !== '' && !talk.startsWith('0m 00s');
      },
      null,
      { timeout: LONG, polling: 200 },
    );
    expect(await page.getByTestId('stat-dials-per-hour').textContent()).toMatch(/^—/);
    await screenshot(page, 'connected-stats');
    await endCall(stack.dialpad.url, call.call.callId, 'hangup');
    await dialog().waitFor({ timeout: LONG });
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    const receipt = page.getByRole('status', { name: 'Last disposition' });
    await page.waitForFunction(
      (name) => document.querySelector('[data-testid="receipt"]')?.textContent?.includes(`${name} → Correct`),
      call.lead.name,
      { timeout: LONG },
    );
    expect(await receipt.textContent()).toMatch(/Correct person/);
  });

  it('Hang up ends the call through Dialpad: the button, H and Ctrl+Alt+H; the modal opens at once', async () => {
    const calls = () => emulatedCalls(stack.dialpad.url);
    let prev: string | null = null;
    for (const how of ['button', 'H', 'Control+Alt+KeyH'] as const) {
      const cur = await liveCall('CONNECTED', prev);
      const hangUp = page.getByRole('button', { name: /hang up/i });
      await hangUp.waitFor({ timeout: LONG });
      expect(await page.getByText(/mute, hold and transfer: in the dialpad app/i).count()).toBe(1);
      if (how === 'button') {
        await screenshot(page, 'call-with-hang-up');
        await hangUp.click();
      } else await page.keyboard.press(how === 'H' ? 'h' : how);
      await dialog().waitFor({ timeout: LONG });
      // Dialpad (the emulator) really ended it, and its hangup webhook reached the coordinator.
      await eventually(async () =>
        (await calls()).some((c) => c.custom_data?.includes(cur.call.callId) && c.state === 'hangup'),
      );
      await waitForStore(
        page,
        (s, id) =>
          s.call.call?.callId === id && s.call.call.endReason === 'HANGUP' && s.outbox.entries.length === 0,
        cur.call.callId,
      );
      await page.keyboard.press('3');
      await page.keyboard.press('Enter');
      await dialog().waitFor({ state: 'detached', timeout: LONG });
      prev = cur.call.callId;
    }
    expect((await storeState(page)).ui.error).toBeNull();
  });

  it('the lead card shows the row’s own columns, and a note typed during the call reaches the sheet', async () => {
    const cur = await liveCall('CONNECTED');
    const details = page.getByRole('definition').filter({ hasText: /./ });
    await page.getByLabel('Lead details').waitFor({ timeout: LONG });
    const text = await page.getByLabel('Lead details').textContent();
    expect(text).toMatch(/Company/);
    expect(text).toMatch(/City/);
    expect(await details.count()).toBeGreaterThan(0);
    const note = page.getByLabel('Your note for this call');
    await note.click();
    await page.keyboard.type('Asked for Dana, call back Tue 10:00');
    await screenshot(page, 'lead-card-details-and-note');
    await page.keyboard.press('Escape'); // leaves the field; the call goes on
    await page.getByRole('button', { name: /hang up/i }).click();
    await dialog().waitFor({ timeout: LONG });
    expect(await dialog().getByLabel(/notes/i).inputValue()).toBe('Asked for Dana, call back Tue 10:00');
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await dialog().waitFor({ state: 'detached', timeout: LONG });
    await waitForStore(page, (s) => s.outbox.entries.length === 0);
    await stack.flushSheets();
    const s = await storeState(page);
    const row = await eventually(async () => {
      const v = await tabValues(
        stack.sheets.url,
        s.session.session!.spreadsheetId,
        s.session.session!.tabTitle,
      );
      const r = v[cur.lead.rowNumber - 1];
      return r?.[COL.notes]?.includes('Asked for Dana, call back Tue 10:00') ? r : undefined;
    });
    expect(row[0]).toBe(cur.lead.rowId);
  });

  it('in a 420 px window the call, Hang up and the lead details stay usable', async () => {
    await liveCall('CONNECTED');
    await page.setViewportSize({ width: 420, height: 800 });
    const hangUp = page.getByRole('button', { name: /hang up/i });
    await hangUp.waitFor({ timeout: LONG });
    expect(await hangUp.isVisible()).toBe(true);
    const box = await hangUp.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 420).toBe(true);
    expect(await page.getByLabel('Lead details').isVisible()).toBe(true);
    await screenshot(page, 'narrow-in-call');
    await page.setViewportSize({ width: 1280, height: 720 });
  });
});
