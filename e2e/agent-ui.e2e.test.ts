// The agent UI end to end: Debian Chromium (playwright-core) against the real coordinator, a real
// redis-server and the Sheets and Dialpad emulators (e2e/support/stack.ts). Keyboard first, as an agent
// works: sign in, Space to Play, the call rings and ends, the modal, a hotkey and Enter, the next lead
// dialed, the result in the sheet; then a reload mid-call, a dropped connection with a disposition chosen
// offline, a 429 storm at Sheets, and a wrong sheet header shown in plain words. Screenshots of the main
// screen, the modal and the error go to screenshots/ for review.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../test/support/chromium';
import { type Stack, startStack } from './support/stack';
import { type RedisServerHandle, startRedisServer } from '../test/support/redis-server';
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

const ANA = 'ana@demo.turbodialer.example';
const CHLOE = { email: 'chloe@demo.turbodialer.example', name: 'Chloe Nguyen' };

describe('agent UI in Chromium against the real stack', () => {
  let redis: RedisServerHandle;
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startStack({ redisUrl: redis.url, dialpadOptions: { rateLimitPerMin: null } });
    // Calls ring quickly, then stay connected until the test hangs them up (deterministic).
    await adminJson(stack.dialpad.url, '/__emulator/timings', {
      method: 'PUT',
      body: JSON.stringify({ dialMs: 100, ringMs: 400, talkMs: 60_000, noAnswerMs: 60_000, jitter: 0 }),
    });
    await adminJson(stack.dialpad.url, '/__emulator/outcomes', {
      method: 'POST',
      body: JSON.stringify({ plan: { default: 'manual' } }),
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await redis?.stop();
  });

  /** The live call (after Play or a chained dial), waiting until it rings or is connected. */
  async function liveCall(notCallId: string | null = null) {
    const s = await waitForStore(
      page,
      (st, prev) =>
        !!st.call.call &&
        st.call.call.callId !== prev &&
        (st.call.call.state === 'RINGING' || st.call.call.state === 'CONNECTED'),
      notCallId,
    );
    return { call: s.call.call!, lead: s.preview.lead!, session: s.session.session! };
  }

  async function modalFor(callId: string) {
    await waitForStore(page, (st, id) => st.ui.dispo?.open === true && st.ui.dispo.callId === id, callId);
    await page.getByRole('dialog', { name: /how did the call go/i }).waitFor({ timeout: LONG });
  }

  it('sign in, Play, ring, hang up, hotkey + Enter, next lead dialed, result in the sheet', async () => {
    await signIn(page, stack.baseUrl, ANA);
    await page.keyboard.press('Space');
    await waitForStore(page, (s) => s.session.session?.state === 'PLAY');
    const first = await liveCall();
    await page.getByTestId('call-state').waitFor();
    expect(await page.getByTestId('lead-name').textContent()).toBe(first.lead.lead.name);
    await waitForStore(page, (s) => s.call.call?.state === 'CONNECTED');
    // Live stats (the server's STATS event after the dial): the call in progress already counts.
    await page.waitForFunction(
      () => document.querySelector('[data-testid="stat-calls"]')?.textContent === '1',
      null,
      { timeout: LONG, polling: 100 },
    );
    await screenshot(page, 'main-screen');

    await endCall(stack.dialpad.url, first.call.callId, 'hangup');
    await modalFor(first.call.callId);
    await page.keyboard.press('2');
    expect(await page.getByRole('radio', { name: /wrong number/i }).isChecked()).toBe(true);
    await screenshot(page, 'modal');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'detached', timeout: LONG });

    const second = await liveCall(first.call.callId);
    expect(second.call.callId).not.toBe(first.call.callId);

    const row = await eventually(async () => {
      const values = await tabValues(stack.sheets.url, first.session.spreadsheetId, first.session.tabTitle);
      const r = values[first.lead.lead.rowNumber - 1];
      return r?.[COL.status(first.call.numberIndex)] === 'WRONG' ? r : undefined;
    });
    expect(row[0]).toBe(first.lead.lead.rowId);
    expect(Number(row[COL.attemptCount])).toBe(first.lead.lead.attemptCount + 1);
  });

  it('a reload mid-call comes back to the same call, and its disposition still works', async () => {
    const before = await liveCall();
    await page.reload();
    const after = await waitForStore(
      page,
      (s, id) => s.auth.phase === 'signed-in' && s.call.call?.callId === id,
      before.call.callId,
    );
    expect(after.preview.lead?.lead.rowId).toBe(before.lead.lead.rowId);
    // The screen, not just the store: the live call state is on screen. The call keeps moving (it may go
    // from RINGING to CONNECTED while we look), so wait until the screen shows the store's state of the same
    // moment rather than comparing two readings taken at different times.
    await page.waitForFunction(
      () => {
        const s = (
          window as unknown as {
            __turbo?: { store: { getState(): { call: { call: { state: string } | null } } } };
          }
        ).__turbo?.store.getState();
        const shown = document.querySelector('[data-testid="call-state"]')?.getAttribute('data-state');
        return Boolean(s?.call.call) && shown === s?.call.call?.state;
      },
      null,
      { timeout: LONG, polling: 100 },
    );
    expect(await page.getByTestId('lead-name').textContent()).toBe(before.lead.lead.name);
    await endCall(stack.dialpad.url, before.call.callId, 'voicemail');
    await modalFor(before.call.callId);
    await page.keyboard.press('4');
    await page.keyboard.press('Enter');
    await liveCall(before.call.callId);
  });

  it('a dropped connection recovers: the missed hangup is replayed, a disposition chosen offline is sent once', async () => {
    const cur = await liveCall();
    await context.setOffline(true);
    await page.evaluate(() =>
      (window as unknown as { __turbo: { socket: { drop(): void } } }).__turbo.socket.drop(),
    );
    await waitForStore(page, (s) => s.connection.socket === 'reconnecting');
    await page.getByTestId('offline-strip').waitFor({ timeout: LONG });

    // The call ends while the agent is offline: SHOW_DISPO is published to nobody.
    await endCall(stack.dialpad.url, cur.call.callId, 'missed');
    await context.setOffline(false);
    await waitForStore(page, (s) => s.connection.socket === 'open');
    await modalFor(cur.call.callId); // replayed from the last seq on resume

    // Offline again, choose the disposition: it waits in the outbox (and the snapshot) until the server is back.
    await context.setOffline(true);
    await page.keyboard.press('5');
    await page.keyboard.press('Enter');
    const queued = await waitForStore(page, (s) => s.outbox.entries.some((e) => e.route === 'disposition'));
    const key = queued.outbox.entries.find((e) => e.route === 'disposition')!.idempotencyKey;
    const saved = await page.evaluate(() => localStorage.getItem('turbo-dialer:snapshot:v1') ?? '');
    expect(saved).toContain(key);
    await context.setOffline(false);
    await waitForStore(page, (s) => s.outbox.entries.length === 0);
    await liveCall(cur.call.callId);

    const values = await eventually(async () => {
      const v = await tabValues(stack.sheets.url, cur.session.spreadsheetId, cur.session.tabTitle);
      const r = v[cur.lead.lead.rowNumber - 1];
      return r?.[COL.status(cur.call.numberIndex)] === 'NO_ANSWER' ? r : undefined;
    });
    // Sent once: the attempt counted once (the server dedupes a replay by the same idempotency key).
    expect(Number(values[COL.attemptCount])).toBe(cur.lead.lead.attemptCount + 1);
  });

  it('a 429 storm at Sheets never blocks the agent; the sheet catches up after', async () => {
    await adminJson(stack.sheets.url, '/__emulator/faults', {
      method: 'POST',
      body: JSON.stringify({ route: '*', status: 429, retryAfterSec: 1 }),
    });
    const done: { spreadsheetId: string; tab: string; row: number; col: number }[] = [];
    let prev: string | null = null;
    for (let i = 0; i < 3; i++) {
      const cur = await liveCall(prev);
      await endCall(stack.dialpad.url, cur.call.callId, 'hangup');
      await modalFor(cur.call.callId);
      await page.keyboard.press('5');
      await page.keyboard.press('Enter');
      done.push({
        spreadsheetId: cur.session.spreadsheetId,
        tab: cur.session.tabTitle,
        row: cur.lead.lead.rowNumber,
        col: COL.status(cur.call.numberIndex),
      });
      prev = cur.call.callId;
    }
    await liveCall(prev); // still dialing: nothing waited on Google
    expect((await storeState(page)).ui.error).toBeNull();

    await adminJson(stack.sheets.url, '/__emulator/faults', { method: 'DELETE' });
    await eventually(async () => {
      const v = await tabValues(stack.sheets.url, done[0]!.spreadsheetId, done[0]!.tab);
      return done.every((d) => v[d.row - 1]?.[d.col] === 'NO_ANSWER');
    }, 60_000);
    await page.keyboard.press('Space'); // pause: leave the session calm
    await waitForStore(page, (s) => s.session.session?.state === 'PAUSE');
  });

  it('a wrong sheet header is shown in plain words with what to do', async () => {
    const state = await adminJson<{ spreadsheets: { spreadsheetId: string; sheets: { title: string }[] }[] }>(
      stack.sheets.url,
      '/__emulator/state',
    );
    const ss = state.spreadsheets.find((x) => x.sheets.some((t) => t.title === `Leads - ${CHLOE.name}`));
    expect(ss).toBeDefined();
    const title = `Leads - ${CHLOE.name}`;
    const values = await tabValues(stack.sheets.url, ss!.spreadsheetId, title);
    const header = [...values[0]!];
    header[5] = 'Number 4';
    await adminJson(
      stack.sheets.url,
      `/__emulator/spreadsheets/${encodeURIComponent(ss!.spreadsheetId)}/tabs/${encodeURIComponent(title)}/values`,
      { method: 'PUT', body: JSON.stringify({ rows: [header], startRow: 1 }) },
    );
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const p = await ctx.newPage();
    await p.goto(stack.baseUrl);
    const radio = p.getByRole('radio', { name: /chloe@/ });
    await radio.waitFor({ timeout: LONG });
    await radio.check();
    await p.getByRole('button', { name: /sign in/i }).click();
    const banner = p.getByTestId('error-banner');
    await banner.waitFor({ timeout: LONG });
    expect(await banner.getAttribute('data-code')).toBe('SHEET_HEADER_MISMATCH');
    expect(await banner.textContent()).toMatch(/wrong header/i);
    await screenshot(p, 'error-sheet-header');
    await ctx.close();
  });
});
