// The supervisor console's browser cost with N agents (issue 11: "updates applied in under 50 ms of main
// thread per second, measured in the browser"). Serves the production web build (dist/renderer, built if
// missing) from a stand-in coordinator (feed.ts) streaming realistic-pace diffs, opens /supervisor in
// Chromium (playwright-core), signs in, lets it settle, then measures over `--seconds`:
//   - main-thread busy time per second: Chrome's own TaskDuration counter (CDP Performance.getMetrics) in
//     thread CPU time (timeDomain threadTicks: a loaded machine descheduling the thread does not inflate
//     it), so it counts everything the page's main thread did (socket messages, zod parsing, store, React
//     render, style, layout, paint, the once-a-second clock), not just our code;
//   - script, layout and style-recalc time per second (same counters);
//   - long tasks (> 50 ms) seen by a PerformanceObserver in the page;
//   - the same with the agents stopped (no diffs, only the clock ticking), as the floor.
// Prints one JSON object. Usage: npx tsx bench/console/main.ts [--agents 500] [--seconds 20] [--screenshot f.png]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../../test/support/chromium';
import { startFeed } from './feed';
import { numberArg } from '../cli-args.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const webDir = `${root}dist/renderer`;

interface Window_ {
  taskMs: number;
  /** Main thread CPU time per second, tasks or not (ThreadTime). */
  threadMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  longTasks: number;
  longTaskMaxMs: number;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: m } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return Object.fromEntries(m.map((x) => [x.name, x.value]));
}

async function measure(page: Page, cdp: CDPSession, seconds: number): Promise<Window_> {
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
  });
  const a = await metrics(cdp);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const b = await metrics(cdp);
  const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
  const per = (k: string) => Math.round((((b[k] ?? 0) - (a[k] ?? 0)) * 1000 * 10) / seconds) / 10;
  return {
    taskMs: per('TaskDuration'),
    threadMs: per('ThreadTime'),
    scriptMs: per('ScriptDuration'),
    layoutMs: per('LayoutDuration'),
    styleMs: per('RecalcStyleDuration'),
    longTasks: long.length,
    longTaskMaxMs: Math.round(Math.max(0, ...long)),
  };
}

async function main(): Promise<void> {
  const agents = numberArg('agents', 500, 1);
  const seconds = numberArg('seconds', 20, 1);
  if (!existsSync(`${webDir}/index.html`))
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
  const feed = await startFeed({ agents, webDir });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __long: number[] };
      w.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__long.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${feed.url}/supervisor`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('table', { name: 'Agents' }).waitFor();
    await page.getByRole('row').nth(5).waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await new Promise((r) => setTimeout(r, 5000)); // settle: first render, chunk compile
    const before = { ...feed.stats };
    const live = await measure(page, cdp, seconds);
    const diffs = feed.stats.diffs - before.diffs;
    const rows = feed.stats.rows - before.rows;
    const bytes = feed.stats.bytes - before.bytes;
    const renderedRows = await page.locator('[data-agent]').count();
    const shot = process.argv.indexOf('--screenshot');
    if (shot >= 0 && process.argv[shot + 1])
      await page.screenshot({ path: process.argv[shot + 1], fullPage: false });
    feed.setPaused(true);
    const idle = await measure(page, cdp, Math.min(seconds, 10));
    console.log(
      JSON.stringify({
        bench: 'supervisor-console',
        agents,
        seconds,
        feed: {
          diffsPerSecond: Math.round((diffs / seconds) * 10) / 10,
          agentRowsPerSecond: Math.round((rows / seconds) * 10) / 10,
          kBPerSecond: Math.round(bytes / seconds / 102.4) / 10,
        },
        renderedRows,
        mainThreadMsPerSecond: live,
        idleMainThreadMsPerSecond: idle,
        target: { mainThreadMsPerSecond: 50, met: live.taskMs < 50 },
        machine: { cpus: cpus().length, loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
      }),
    );
  } finally {
    await browser.close();
    await feed.close();
  }
}

await main();
