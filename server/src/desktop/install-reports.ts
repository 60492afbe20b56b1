// The desktop apps' install reports (POST /desktop/install-report): the latest one per agent, so IT can see
// which versions, channels and install types are out there (/metrics) and an MSI install can be told a newer
// MSI is due. One Redis hash shared by every instance.
import { z } from 'zod';
import { type DesktopInstallReport, DesktopInstallReportSchema } from '../../../src-shared/contracts/http.js';
import type { RedisClient } from '../events/redis-script.js';
import { keys } from '../redis/keys.js';

export interface StoredInstallReport {
  agentEmail: string;
  report: DesktopInstallReport;
  receivedAt: number;
}

export interface InstallReportStore {
  /** Replaces the agent's latest report. */
  save(agentEmail: string, report: DesktopInstallReport, now: number): Promise<void>;
  latest(agentEmail: string): Promise<StoredInstallReport | null>;
  /** Every agent's latest report (for the metrics gauge; one entry per agent). */
  all(): Promise<StoredInstallReport[]>;
}

const StoredSchema = z.object({ report: DesktopInstallReportSchema, receivedAt: z.number().int() });

/** A stored value that no longer parses (an older format) is skipped, never an error at scrape time. */
function decode(agentEmail: string, json: string | null | undefined): StoredInstallReport | null {
  if (!json) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  const parsed = StoredSchema.safeParse(raw);
  return parsed.success ? { agentEmail, ...parsed.data } : null;
}

export class RedisInstallReportStore implements InstallReportStore {
  constructor(private readonly redis: RedisClient) {}

  async save(agentEmail: string, report: DesktopInstallReport, now: number): Promise<void> {
    await this.redis.hset(
      keys.desktopInstalls(),
      agentEmail.toLowerCase(),
      JSON.stringify({ report, receivedAt: now }),
    );
  }

  async latest(agentEmail: string): Promise<StoredInstallReport | null> {
    const email = agentEmail.toLowerCase();
    return decode(email, await this.redis.hget(keys.desktopInstalls(), email));
  }

  async all(): Promise<StoredInstallReport[]> {
    const h = await this.redis.hgetall(keys.desktopInstalls());
    return Object.entries(h).flatMap(([email, json]) => decode(email, json) ?? []);
  }
}
