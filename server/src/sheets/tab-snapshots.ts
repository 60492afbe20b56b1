// The last sheet read of each agent tab, kept in Redis beside the tab's overlay, so an instance with a cold
// cache (a restart, a new instance) answers requests from Redis instead of waiting on Google Sheets: a
// restart during a Sheets outage or a spent read budget does not stop work (issue 9 item 5). A snapshot
// keeps what the merge rule needs: when the read began and which cells were unflushed then; merged with the
// current overlay, every later write of ours still wins (service/merge.ts). The instance re-reads the tab
// from Google in the background once the snapshot is older than the tab refresh interval.
import { z } from 'zod';
import { LeadSchema } from '../../../src-shared/domain/lead.js';
import type { AgentTab } from '../ports.js';
import type { RedisClient } from '../redis/client.js';
import { keys } from '../redis/keys.js';

/** A tab read as the merge needs it (service/tab-cache.ts TabRead). */
export interface TabSnapshot {
  readStartedAt: number;
  unflushed: Map<string, Set<number>>;
  tab: AgentTab;
}

export interface TabSnapshotStore {
  save(tag: string, snap: TabSnapshot): Promise<void>;
  /** null when none was saved, it expired, or it does not parse (a newer format): read Google instead. */
  load(tag: string): Promise<TabSnapshot | null>;
}

const SnapshotJsonSchema = z.object({
  v: z.literal(1),
  readStartedAt: z.number().int().nonnegative(),
  unflushed: z.array(z.tuple([z.string(), z.array(z.number().int().min(0))])),
  tab: z.object({
    spreadsheetId: z.string().min(1),
    sheetId: z.number().int().min(0),
    tabTitle: z.string(),
    leads: z.array(LeadSchema),
    rowErrors: z.array(z.object({ row: z.number(), column: z.string(), message: z.string() })),
    callbackColumns: z
      .object({ at: z.number().int().min(0), agent: z.number().int().min(0) })
      .nullable()
      .optional(),
  }),
});

export class RedisTabSnapshots implements TabSnapshotStore {
  readonly #redis: RedisClient;
  readonly #ttlMs: number;

  /** `ttlMs`: how long a snapshot may serve a cold instance. Default 7 days. */
  constructor(redis: RedisClient, ttlMs = 7 * 24 * 3600_000) {
    this.#redis = redis;
    this.#ttlMs = ttlMs;
  }

  async save(tag: string, snap: TabSnapshot): Promise<void> {
    const json: z.input<typeof SnapshotJsonSchema> = {
      v: 1,
      readStartedAt: snap.readStartedAt,
      unflushed: [...snap.unflushed].map(([rowId, cols]) => [rowId, [...cols]]),
      tab: snap.tab,
    };
    await this.#redis.set(keys.tabSnapshot(tag), JSON.stringify(json), 'PX', this.#ttlMs);
  }

  async load(tag: string): Promise<TabSnapshot | null> {
    const raw = await this.#redis.get(keys.tabSnapshot(tag));
    if (raw === null) return null;
    let parsed: z.infer<typeof SnapshotJsonSchema>;
    try {
      parsed = SnapshotJsonSchema.parse(JSON.parse(raw));
    } catch {
      return null;
    }
    return {
      readStartedAt: parsed.readStartedAt,
      unflushed: new Map(parsed.unflushed.map(([rowId, cols]) => [rowId, new Set(cols)])),
      tab: parsed.tab,
    };
  }
}
