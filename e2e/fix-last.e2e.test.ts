// Issue 10, "Fix the last disposition", in Chromium against the real stack (real redis-server, emulators, the
// built web UI): a mis-keyed Correct person is changed to Wrong number from the receipt (key C) while the
// next call is already ringing; the receipt says what was changed and what happens next; the sheet ends as
// if Wrong number had been chosen (the skipped siblings open again, no purple); the live call is untouched.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../test/support/chromium';
import { type RedisServerHandle, startRedisServer } from '../test/support/redis-server';
import { type Stack, startStack } from './support/stack';
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

const CHLOE = 'chloe@demo.turbodialer.example';
const OPEN = new Set(['NEW', 'VOICEMAIL', 'NO_ANSWER']);
/** The sheet's word for a status (NEW is an empty cell). */
const cellOf = (status: string) => (status === 'NEW' ? '' : status);

describe('fix the last disposition (issue 10) in Chromium', () => {
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
    await signIn(page, stack.baseUrl, CHLOE);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await redis?.stop();
  });

  /** The lead whose disposition the first test changes, and where its row sits. */
  let changed: { rowNumber: number; dialed: number; spreadsheetId: string; tabTitle: string } | null = null;

  const modal = () => page.getByRole('dialog', { name: /how did the call go/i });
  const change = () => page.getByRole('dialog', { name: /change the last disposition/i });
  const receipt = () => page.getByRole('status', { name: 'Last disposition' });

  it('changes a mis-keyed Correct person to Wrong number while the next call rings', async () => {
    // The first call, on a lead whose other open numbers Correct person would skip.
    await page.keyboard.press('Space');
    const first = await waitForStore(page, (s) => s.call.call?.state === 'RINGING' && !!s.preview.lead);
    const call = first.call.call!;
    const lead = first.preview.lead!.lead;
    const dialed = call.numberIndex;
    const siblings = lead.numbers.filter((n) => n.index !== dialed && n.e164 !== null && OPEN.has(n.status));

    await endCall(stack.dialpad.url, call.callId, 'hangup');
    await modal().waitFor({ timeout: LONG });
    await page.keyboard.press('1'); // the mis-key: Correct person
    await page.keyboard.press('Enter');
    await modal().waitFor({ state: 'detached', timeout: LONG });
    // The next call is dialed at once (PLAY): it is live while the agent fixes the last one.
    const next = await waitForStore(
      page,
      (s, prev) => !!s.call.call && s.call.call.callId !== prev && s.outbox.entries.length === 0,
      call.callId,
    );
    const nextCallId = next.call.call!.callId;
    await receipt().waitFor({ timeout: LONG });
    expect(await receipt().textContent()).toContain(`${lead.name} → Correct person`);
    await stack.flushSheets();
    const sheetRow = async () => {
      const s = await storeState(page);
      const v = await tabValues(
        stack.sheets.url,
        s.session.session!.spreadsheetId,
        s.session.session!.tabTitle,
      );
      return v[lead.rowNumber - 1] ?? [];
    };
    await eventually(async () => ((await sheetRow())[COL.status(dialed)] === 'CORRECT' ? true : undefined));

    // C opens the change dialog with the saved code checked; 2 picks Wrong number and says what it does.
    const changeButton = page.getByRole('button', { name: /change the last disposition/i });
    expect(await changeButton.isVisible()).toBe(true);
    await page.keyboard.press('c');
    await change().waitFor({ timeout: LONG });
    expect(
      await change()
        .getByRole('radio', { name: /correct person/i })
        .isChecked(),
    ).toBe(true);
    await page.keyboard.press('2');
    expect(
      await change()
        .getByRole('radio', { name: /wrong number/i })
        .isChecked(),
    ).toBe(true);
    expect(await change().getByTestId('disposition-effect').textContent()).toMatch(
      /continues with its next number/,
    );
    await screenshot(page, 'change-last-disposition');
    await page.keyboard.press('Enter');
    await change().waitFor({ state: 'detached', timeout: LONG });

    // The receipt says what changed, then what happens next to the lead (the coordinator's answer).
    await waitForStore(page, (s) => s.ui.receipt?.outcome?.code === 'WRONG' && s.outbox.entries.length === 0);
    const text = (await receipt().textContent()) ?? '';
    expect(text).toContain(`${lead.name} → Wrong number (was Correct person)`);
    expect(text).toMatch(siblings.length > 0 ? /Next: number \d+/ : /not called again/);
    await screenshot(page, 'receipt-after-change');

    // The live call is the same one, still live; no modal came up.
    const after = await storeState(page);
    expect(after.call.call?.callId).toBe(nextCallId);
    expect(['DIALING', 'RINGING', 'CONNECTED']).toContain(after.call.call?.state);
    expect(await modal().count()).toBe(0);

    // The sheet: Wrong number on the dialed number, the siblings back to what they were (no longer SKIPPED).
    await stack.flushSheets();
    const row = await eventually(async () => {
      const r = await sheetRow();
      return r[COL.lastOutcome] === 'WRONG' ? r : undefined;
    });
    expect(row[COL.status(dialed)]).toBe('WRONG');
    for (const n of siblings) expect(row[COL.status(n.index)]).toBe(cellOf(n.status));
    expect(row[COL.attemptCount]).toBe(String(lead.attemptCount + 1));
    const sv = after.session.session!;
    changed = { rowNumber: lead.rowNumber, dialed, spreadsheetId: sv.spreadsheetId, tabTitle: sv.tabTitle };
  });

  it('Esc keeps the disposition; the key legend names C', async () => {
    await page.keyboard.press('c');
    await change().waitFor({ timeout: LONG });
    await page.keyboard.press('1');
    await page.keyboard.press('Escape');
    await change().waitFor({ state: 'detached', timeout: LONG });
    expect(await receipt().textContent()).toContain('Wrong number');
    const legend = page.getByRole('contentinfo');
    expect(await legend.textContent()).toMatch(/C\s*Change last disposition/);
  });

  it('a change refused (a person edited the row meanwhile) says why and keeps what is saved', async () => {
    if (!changed) throw new Error('the first test did not run');
    // A team lead marks the dialed number Correct in the sheet, by hand.
    const cells: (string | null)[] = Array(COL.status(changed.dialed) + 1).fill(null);
    cells[COL.status(changed.dialed)] = 'CORRECT';
    stack.sheets.state.setRows(changed.spreadsheetId, changed.tabTitle, [cells], changed.rowNumber);
    await page.keyboard.press('c');
    await change().waitFor({ timeout: LONG });
    await page.keyboard.press('5');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: LONG });
    expect(await alert.textContent()).toMatch(/That lead changed after your disposition/);
    await waitForStore(page, (s) => s.outbox.entries.length === 0 && !s.ui.receipt?.changing);
    // What is saved, and what it means for the lead, as before the refused change.
    expect(await receipt().textContent()).toMatch(/→ Wrong number.*Next: number \d+/);
    expect(await page.getByRole('button', { name: /change the last disposition/i }).count()).toBe(0);
    await screenshot(page, 'change-refused');
    // The sheet keeps the person's edit.
    await stack.flushSheets();
    const v = await tabValues(stack.sheets.url, changed.spreadsheetId, changed.tabTitle);
    expect(v[changed.rowNumber - 1]?.[COL.status(changed.dialed)]).toBe('CORRECT');
  });

  it('after a page reload the receipt and its Change control come back, and changing works', async () => {
    // The call live since the first test ends; the agent keys Correct person, then the page reloads.
    const live = await waitForStore(page, (s) => !!s.call.call && !!s.preview.lead);
    const call = live.call.call!;
    const lead = live.preview.lead!.lead;
    await endCall(stack.dialpad.url, call.callId, 'hangup');
    await modal().waitFor({ timeout: LONG });
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await modal().waitFor({ state: 'detached', timeout: LONG });
    const saved = await waitForStore(
      page,
      (s, id) => s.ui.receipt?.callId === id && s.outbox.entries.length === 0,
      call.callId,
    );
    const siblings = lead.numbers.filter(
      (n) => n.index !== call.numberIndex && n.e164 !== null && OPEN.has(n.status),
    ).length;
    expect(saved.ui.receipt?.skipped).toBe(siblings);
    const before = await receipt().textContent();

    await page.reload();
    await waitForStore(
      page,
      (s, id) => s.auth.phase === 'signed-in' && s.ui.receipt?.callId === id,
      call.callId,
    );
    await receipt().waitFor({ timeout: LONG });
    expect(await receipt().textContent()).toContain(`${lead.name} → Correct person`);
    // The same line as before the reload, the skipped numbers included (the coordinator counts them).
    expect(await receipt().textContent()).toBe(before);
    const changeButton = page.getByRole('button', { name: /change the last disposition/i });
    await changeButton.waitFor({ timeout: LONG });
    await screenshot(page, 'receipt-after-reload');

    // The Change control works as before the reload: Wrong number, confirmed by the coordinator.
    await changeButton.click();
    await change().waitFor({ timeout: LONG });
    expect(
      await change()
        .getByRole('radio', { name: /correct person/i })
        .isChecked(),
    ).toBe(true);
    await page.keyboard.press('2');
    await page.keyboard.press('Enter');
    await change().waitFor({ state: 'detached', timeout: LONG });
    await waitForStore(page, (s) => s.ui.receipt?.outcome?.code === 'WRONG' && s.outbox.entries.length === 0);
    expect(await receipt().textContent()).toContain(`${lead.name} → Wrong number (was Correct person)`);
    await stack.flushSheets();
    const sv = (await storeState(page)).session.session!;
    await eventually(async () => {
      const v = await tabValues(stack.sheets.url, sv.spreadsheetId, sv.tabTitle);
      return v[lead.rowNumber - 1]?.[COL.status(call.numberIndex)] === 'WRONG' ? true : undefined;
    });
  });
});
