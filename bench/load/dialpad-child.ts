// The benchmark's Dialpad emulator process: one user per bench agent, zero added latency, no per-user rate
// limit, the pace's call timings and outcomes, signed webhooks to the coordinator(s). With 2 instances,
// each agent's calls are subscribed to one instance's webhook (agents 0,1 → A, 2,3 → B, …) while agents
// alternate instances for HTTP/WS, so half the webhooks land on the instance the agent is not connected to,
// as behind a load balancer. Reports each ending webhook's send time (first attempt) and failed deliveries.
import { createEmulatorLogger } from '../../server/emulators/common/log.js';
import { TERMINAL_STATES } from '../../server/emulators/dialpad/calls.js';
import { startDialpadEmulator } from '../../server/emulators/dialpad/server.js';
import { benchAgents, outcomesOf, timingsOf } from './fixture.js';
import { recordLoopBlocks } from './loop-blocks.js';
import { childConfig, DialpadChildConfigSchema, onParent, toParent } from './messages.js';
import { callIdOfCustomData } from './report.js';

const cfg = childConfig(DialpadChildConfigSchema);
const loopBlocks = recordLoopBlocks();
const agents = benchAgents(cfg.agents);
const emu = await startDialpadEmulator({
  port: cfg.port,
  host: '127.0.0.1',
  // The coordinators are started with DIALPAD_API_KEY=bench-dialpad-key (bench/load/main.ts).
  apiKeys: ['bench-dialpad-key'],
  users: agents.map((a) => ({ id: a.dialpadUserId, name: a.name, email: a.email })),
  timings: timingsOf(cfg.pace),
  outcomes: outcomesOf(cfg.pace),
  rateLimitPerMin: null,
  seed: 11,
  logger: createEmulatorLogger('dialpad-emulator', process.env.EMULATOR_LOG_LEVEL ?? 'warn'),
});
/** Registers one hook per coordinator and subscribes each agent's calls to one of them. */
const setHooks = (urls: readonly string[]) => {
  const hooks = urls.map((url) => emu.state.hub.createWebhook(url, cfg.secret));
  agents.forEach((a, i) => {
    const hook = hooks[(i >> 1) % hooks.length];
    if (!hook) return;
    emu.state.hub.subscribe({
      webhookId: hook.id,
      call_states: ['all'],
      enabled: true,
      group_calls_only: false,
      target_id: a.dialpadUserId,
      target_type: 'user',
    });
  });
};

onParent((m) => {
  if (m.type === 'hooks') {
    setHooks(m.urls);
    toParent({ type: 'hooksSet' });
  }
  if (m.type !== 'deliveries') return;
  const endingSentAt: [string, number][] = [];
  let failed = 0;
  for (const d of emu.state.deliveries) {
    if (d.status === null || d.status < 200 || d.status >= 300) failed += 1;
    if (d.attempt !== 1 || d.copy !== 0 || d.sentAt === undefined || !TERMINAL_STATES.has(d.state)) continue;
    const callId = callIdOfCustomData(d.customData);
    if (callId) endingSentAt.push([callId, d.sentAt]);
  }
  toParent({
    type: 'deliveries',
    endingSentAt,
    failed,
    total: emu.state.deliveries.length,
    loopBlocks: loopBlocks(),
  });
});
toParent({ type: 'ready', url: emu.url });
