// `npm run admin:mint-token -- agent@example.com [--ttl 3600]`: prints an access token for an agent, signed
// with the coordinator's JWT settings from the environment (JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE). For
// support and scripted checks; it does not consult the router (the API still checks what the agent may do).
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { AccessTokens } from '../auth/access-tokens.js';

const ArgsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  ttlSeconds: z.coerce
    .number()
    .int()
    .min(30)
    .max(7 * 24 * 3600),
});

const EnvSchema = z.object({
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be set (at least 32 characters) to the coordinator secret'),
  JWT_ISSUER: z.string().min(1).default('turbo-dialer'),
  JWT_AUDIENCE: z.string().min(1).default('turbo-dialer-api'),
});

export async function mintToken(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  now: number,
): Promise<{ token: string; expiresAt: number; email: string }> {
  const ttlAt = argv.indexOf('--ttl');
  const args = ArgsSchema.safeParse({
    email: argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--ttl'),
    ttlSeconds: ttlAt >= 0 ? argv[ttlAt + 1] : 3600,
  });
  if (!args.success)
    throw new Error(`usage: admin:mint-token -- <agent email> [--ttl seconds]\n${args.error.message}`);
  const e = EnvSchema.safeParse(env);
  if (!e.success) throw new Error(e.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('\n'));
  const tokens = new AccessTokens({
    secret: e.data.JWT_SECRET,
    issuer: e.data.JWT_ISSUER,
    audience: e.data.JWT_AUDIENCE,
    ttlSeconds: args.data.ttlSeconds,
  });
  const t = await tokens.sign(args.data.email, now);
  return { ...t, email: args.data.email };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  mintToken(process.argv.slice(2), process.env, Date.now()).then(
    (t) => {
      process.stderr.write(`access token for ${t.email}, expires ${new Date(t.expiresAt).toISOString()}\n`);
      process.stdout.write(`${t.token}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
