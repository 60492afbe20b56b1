// The supervisor console's browser cost against the real coordinator (issue 11: "with 500 agents the
// console stays responsive: updates applied in under 50 ms of main thread per second, measured in the
// browser"). Starts the demo stack (coordinator, Sheets and Dialpad emulators, a throw-away redis-server)
// with N generated agents over the demo's two campaigns at the load benchmark's realistic call timings
// (dial 1 s, ring 5 s, talk 15 s or no answer 18 s), drives every agent over HTTP + WebSocket as the agent
// UI does (e2e/support/driven-agent.ts, 2 s of wrap-up), opens /supervisor in Chromium as Maya (every
// campaign) once the floor is dialing, and measures over `--seconds` what main.ts measures (Chrome's
// TaskDuration in thread CPU time, long tasks), plus the socket frames the page received.
// Prints one JSON object. Usage: npx tsx bench/console/real.ts [--agents 500] [--seconds 20]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DemoAgent } from '../../server/emulators/demo-agents';
import { startDemoStack } from '../../server/src/demo';
import { DrivenAgent } from '../../e2e/support/driven-agent';
import { launchChromium } from '../../test/support/chromium';
import { numberArg } from '../cli-args.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const webDir = `${root}dist/renderer`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const n = numberArg('agents', 500, 1);
  const seconds = numberArg('seconds', 20, 1);
  if (!existsSync(`${webDir}/index.html`))
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
  const agents: DemoAgent[] = Array.from({ length: n }, (_, i) => {
    const k = String(i + 1).padStart(4, '0');
    return {
      email: `agent${k}@floor.turbodialer.example`,
      name: `Floor Agent ${k}`,
      dialpadUserId: String(8_200_000_000_000_000 + i),
      campaignName: i % 2 === 0 ? 'Spring Solar' : 'Roof Renewals',
    };
  });
  const t0 = Date.now();
  const stack = await startDemoStack({
    port: 0,
    agents,
    leadsPerAgent: 30,
    webDistDir: webDir,
    logLevel: 'silent',
    dialpadOptions: {
      rateLimitPerMin: null,
      timings: { dialMs: 1000, ringMs: 5000, talkMs: 15_000, noAnswerMs: 18_000, jitter: 0.3 },
    },
  });
  const driven = agents.map((a) => new DrivenAgent(stack.baseUrl, a.email, 2000));
  const browser = await launchChromium();
  try {
    // Sign in 25 at a time (a morning start: the coordinator queues starts behind the sheet's quota).
    for (let i = 0; i < driven.length; i += 25)
      await Promise.all(driven.slice(i, i + 25).map((a) => a.signIn()));
    const readyS = Math.round((Date.now() - t0) / 100) / 10;
    for (const a of driven) a.play();
    const deadline = Date.now() + 120_000;
    while (driven.filter((a) => a.transitions.some((t) => t.state === 'DIALING')).length < n * 0.95) {
      if (Date.now() > deadline) break;
      await sleep(1000);
    }
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __long: number[] };
      w.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__long.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${stack.baseUrl}/supervisor`);
    await page.getByRole('radio', { name: /maya@/ }).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('table', { name: 'Agents' }).waitFor({ timeout: 60_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await cdp.send('Network.enable');
    let frames = 0;
    let bytes = 0;
    let counting = false;
    cdp.on('Network.webSocketFrameReceived', (e: { response: { payloadData: string } }) => {
      if (!counting) return;
      frames += 1;
      bytes += e.response.payloadData.length;
    });
    await sleep(5000);
    const get = async () =>
      Object.fromEntries(
        (
          (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
        ).metrics.map((m) => [m.name, m.value]),
      );
    await page.evaluate(() => {
      (window as unknown as { __long: number[] }).__long = [];
    });
    const before = await get();
    const transitionsBefore = driven.reduce((k, a) => k + a.transitions.length, 0);
    counting = true;
    await sleep(seconds * 1000);
    counting = false;
    const after = await get();
    const transitions = driven.reduce((k, a) => k + a.transitions.length, 0) - transitionsBefore;
    const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    const per = (k: string) => Math.round((((after[k] ?? 0) - (before[k] ?? 0)) * 1000 * 10) / seconds) / 10;
    const rendered = await page.locator('[data-agent]').count();
    const shot = process.argv.indexOf('--screenshot');
    if (shot >= 0 && process.argv[shot + 1]) await page.screenshot({ path: process.argv[shot + 1] });
    console.log(
      JSON.stringify({
        bench: 'supervisor-console-real',
        agents: n,
        seconds,
        sessionsReadyS: readyS,
        dialing: driven.filter((a) => a.lastState !== 'PAUSED').length,
        agentStateChangesPerSecond: Math.round((transitions / seconds) * 10) / 10,
        socket: {
          framesPerSecond: Math.round((frames / seconds) * 10) / 10,
          kBPerSecond: Math.round(bytes / seconds / 102.4) / 10,
        },
        renderedRows: rendered,
        mainThreadMsPerSecond: {
          taskMs: per('TaskDuration'),
          threadMs: per('ThreadTime'),
          scriptMs: per('ScriptDuration'),
          layoutMs: per('LayoutDuration'),
          styleMs: per('RecalcStyleDuration'),
          longTasks: long.length,
          longTaskMaxMs: Math.round(Math.max(0, ...long)),
        },
        agentErrors: driven.flatMap((a) => a.errors).slice(0, 5),
        target: { mainThreadMsPerSecond: 50, met: per('TaskDuration') < 50 },
        machine: { cpus: cpus().length, loadAverage1m: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
      }),
    );
  } finally {
    await Promise.all(driven.map((a) => a.stop().catch(() => undefined)));
    await browser.close();
    await stack.stop();
  }
}

await main();
process.exit(0);
