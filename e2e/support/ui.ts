// Helpers for the browser end-to-end suite: drive the agent UI like an agent (keyboard first), read what the
// page's store holds (window.__turbo, the controller the app exposes for diagnostics), talk to the
// emulators' admin APIs, and save screenshots for review (screenshots/ is git-ignored).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { StoreState } from '../../src-renderer/store/types';

export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'screenshots');

/** Generous: the machine may be loaded (2 cores, other suites running). */
export const LONG = 30_000;

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

export function storeState(page: Page): Promise<StoreState> {
  return page.evaluate(() =>
    (window as unknown as { __turbo: { store: { getState(): StoreState } } }).__turbo.store.getState(),
  );
}

/** Waits until the page's store satisfies `predicate(state, arg)`. The predicate runs in the page, so it must
 *  be self-contained (no closure over test variables: pass them as `arg`, which must be JSON). */
export async function waitForStore<A = null>(
  page: Page,
  predicate: (s: StoreState, arg: A) => boolean,
  arg: A = null as A,
  timeout = LONG,
): Promise<StoreState> {
  await page.waitForFunction(
    ([src, a]) => {
      const s = (
        window as unknown as { __turbo?: { store: { getState(): unknown } } }
      ).__turbo?.store.getState();
      // biome-ignore lint/security/noGlobalEval: the predicate is this suite's own code, shipped as source text
      const indirectEval = globalThis.eval;
      return s ? indirectEval(`(${src})`)(s, a) : false;
    },
    [predicate.toString(), arg] as const,
    { timeout, polling: 100 },
  );
  return storeState(page);
}

/** Signs in with the demo login, keyboard only: pick the agent's radio, Enter submits. */
export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(baseUrl);
  const radio = page.getByRole('radio', { name: new RegExp(email.replace(/[.@]/g, '\\$&')) });
  await radio.waitFor({ timeout: LONG });
  await radio.focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Enter');
  await waitForStore(page, (s) => s.auth.phase === 'signed-in' && s.session.session !== null);
}

/** Polls until `check` passes (the write-behind queue reaches the sheet a little later). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeout = LONG): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`not reached in ${timeout} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export { adminJson, COL, endCall, tabValues } from '../../test/support/emulator-admin.js';
