// `npm run emulator:dialpad`: the Dialpad emulator on its own, with the demo agents as users and the demo
// outcome mix. Options (argument or environment; see docs/emulators.md):
// --port / DIALPAD_EMULATOR_PORT (9402), --host / DIALPAD_EMULATOR_HOST, --webhook-url / DIALPAD_WEBHOOK_URL,
// --webhook-secret / DIALPAD_WEBHOOK_SECRET, --seed / DIALPAD_EMULATOR_SEED (42),
// --rate-limit / DIALPAD_RATE_LIMIT (5, or "off"), --outcomes / DIALPAD_OUTCOMES ("demo" or a JSON plan),
// --timings / DIALPAD_TIMINGS (JSON), --users / DIALPAD_USERS (JSON), --faults / DIALPAD_FAULTS (JSON),
// --api-key / DIALPAD_API_KEY (the one key accepted; default the coordinator's demo key, demo-dialpad-key).
import { z } from 'zod';
import { cliNumber, cliOption, closeOnSignals } from '../common/cli.js';
import { FaultRuleSchema } from '../common/faults.js';
import { createEmulatorLogger } from '../common/log.js';
import { DEMO_AGENTS } from '../demo-agents.js';
import { DEMO_OUTCOME_MIX, OutcomePlanSchema } from './outcomes.js';
import { startDialpadEmulator } from './server.js';
import { WebhookFaultSchema } from './webhook-faults.js';

const logger = createEmulatorLogger('dialpad-emulator', process.env.EMULATOR_LOG_LEVEL ?? 'info');
const json = <T>(schema: z.ZodType<T>, name: string, env: string): T | undefined => {
  const raw = cliOption(name, env);
  return raw === undefined ? undefined : schema.parse(JSON.parse(raw));
};

const UsersSchema = z.array(
  z.object({ id: z.string(), name: z.string(), email: z.string(), phone: z.string().optional() }),
);
const TimingsSchema = z
  .object({
    dialMs: z.number(),
    ringMs: z.number(),
    talkMs: z.number(),
    noAnswerMs: z.number(),
    jitter: z.number(),
  })
  .partial();
const FaultsSchema = z.object({
  api: z.array(FaultRuleSchema).optional(),
  webhooks: z.array(WebhookFaultSchema).optional(),
});

const rateRaw = cliOption('rate-limit', 'DIALPAD_RATE_LIMIT');
const outcomesRaw = cliOption('outcomes', 'DIALPAD_OUTCOMES') ?? 'demo';
const webhookUrl = cliOption('webhook-url', 'DIALPAD_WEBHOOK_URL');
const webhookSecret = cliOption('webhook-secret', 'DIALPAD_WEBHOOK_SECRET');
const timings = json(TimingsSchema, 'timings', 'DIALPAD_TIMINGS');
const faults = json(FaultsSchema, 'faults', 'DIALPAD_FAULTS');

const emu = await startDialpadEmulator({
  port: cliNumber('port', 'DIALPAD_EMULATOR_PORT', 9402),
  host: cliOption('host', 'DIALPAD_EMULATOR_HOST') ?? '127.0.0.1',
  users:
    json(UsersSchema, 'users', 'DIALPAD_USERS') ??
    DEMO_AGENTS.map((a) => ({ id: a.dialpadUserId, name: a.name, email: a.email })),
  ...(webhookUrl
    ? { webhook: { url: webhookUrl, ...(webhookSecret ? { secret: webhookSecret } : {}) } }
    : {}),
  outcomes:
    outcomesRaw === 'demo' ? { mix: DEMO_OUTCOME_MIX } : OutcomePlanSchema.parse(JSON.parse(outcomesRaw)),
  ...(timings ? { timings } : {}),
  ...(faults ? { faults } : {}),
  rateLimitPerMin: rateRaw === 'off' ? null : rateRaw ? Number(rateRaw) : 5,
  seed: cliNumber('seed', 'DIALPAD_EMULATOR_SEED', 42),
  apiKeys: [cliOption('api-key', 'DIALPAD_API_KEY') ?? 'demo-dialpad-key'],
  logger,
});
logger.info(
  {
    baseUrl: emu.url,
    apiBase: `${emu.url}api/v2/`,
    webhook: webhookUrl ?? null,
    admin: `${emu.url}__emulator/`,
  },
  'Dialpad emulator ready',
);
closeOnSignals(emu.close);
