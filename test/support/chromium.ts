// Launches Debian's Chromium through playwright-core for end-to-end tests: headless, no sandbox (CI runs as
// root), no background networking (this machine has no internet). Playwright gives every launch a fresh
// temporary profile of its own (it refuses a --user-data-dir argument), so no state leaks between runs.
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
