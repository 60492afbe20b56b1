// The coordinator's Sheets write path alone (the durable queue in Redis → SheetsFlusher → Google) as a child
// process, so a test can SIGKILL it mid-flush: a crash, not a stop. Its loop is the production one
// (`start()`). Environment: REDIS_URL, SHEETS_ROOT_URL, FLUSH_LOCK_TTL_MS, MAX_REQUESTS_PER_WRITE (1: every
// patch its own write, so the patches of one queue entry land in separate writes).
import { Redis } from 'ioredis';
import { z } from 'zod';
import { createSheetsClient, staticTokenAuth } from '../../../src/sheets/client.js';
import { DEFAULT_WRITE_LIMITS } from '../../../src/sheets/flush-plan.js';
import { makeFlusher } from '../sheets-fixtures.js';

const env = z
  .object({
    REDIS_URL: z.string().url(),
    SHEETS_ROOT_URL: z.string().url(),
    FLUSH_LOCK_TTL_MS: z.coerce.number().int().positive(),
    MAX_REQUESTS_PER_WRITE: z.coerce.number().int().positive().optional(),
  })
  .parse(process.env);

const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2 });
const client = createSheetsClient({ rootUrl: env.SHEETS_ROOT_URL, auth: staticTokenAuth('test-token') });
const { flusher } = makeFlusher(client, redis, {
  lockTtlMs: env.FLUSH_LOCK_TTL_MS,
  writeLimits: {
    ...DEFAULT_WRITE_LIMITS,
    ...(env.MAX_REQUESTS_PER_WRITE ? { maxRequestsPerWrite: env.MAX_REQUESTS_PER_WRITE } : {}),
  },
});
flusher.start();
process.stdout.write('flusher started\n');
