// Prometheus metrics (prom-client), one registry per coordinator instance: the seed's metrics (calls
// initiated/completed, disposition breakdown, success rate, API response times, WebSocket connections,
// error rates) plus Sheets queue depth and quota use, circuit states and Redis health. Values that live
// elsewhere (queue depth, quota, circuits, Redis memory) are read at scrape time through probes.
import client, { type Counter, type Gauge, type Histogram, type Registry } from 'prom-client';
import type { FlusherMetrics } from '../sheets/sheets-flusher.js';
import { createFlusherMetrics } from './flusher-metrics.js';
import { during } from './loop-monitor.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Read at scrape time; each may be absent (the demo has no Redis). */
export interface MetricProbes {
  sheetsQueueDepth?: () => Promise<number>;
  sheetsQuotaUsed?: (bucket: 'sheets-read' | 'sheets-write') => Promise<number>;
  circuits?: () => { sheets: CircuitState; dialpad: CircuitState };
  /** used_memory and maxmemory from INFO memory (0 = no limit). */
  redisMemory?: () => Promise<{ used: number; max: number }>;
  /** Every agent's latest desktop install report. */
  desktopInstalls?: () => Promise<{ appVersion: string; channel: string; installType: string }[]>;
}

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 0.5, open: 1 };

export class CoordinatorMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly httpErrors: Counter<'route' | 'code'>;
  readonly callsInitiated: Counter;
  readonly callsCompleted: Counter;
  readonly dispositionsNotWritten: Counter<'reason'>;
  readonly dispositions: Counter<'code'>;
  readonly dispositionChanges: Counter<'from' | 'to'>;
  readonly wsConnections: Gauge;
  readonly wsMessagesSent: Counter;
  readonly webhooks: Counter<'result'>;
  /** Hooks for the SheetsFlusher (compose.ts passes them in). */
  readonly flusher: FlusherMetrics;
  #probes: MetricProbes;
  /** Queue depth the flusher saw after its last turn (used when the probe fails). */
  #flusherDepth = Number.NaN;
  #completed = 0;
  #correct = 0;

  /** The queue depth the flusher counted last (every 15 s; null before its first count): the supervisor
   *  console's health panel reads it instead of counting again. */
  flusherQueueDepth(): number | null {
    return Number.isNaN(this.#flusherDepth) ? null : this.#flusherDepth;
  }

  constructor(probes: MetricProbes = {}) {
    this.#probes = probes;
    const registry = new client.Registry();
    this.registry = registry;
    // prom-client's event-loop delay monitor at 1 s, not its default 10 ms: the loop monitor's one 10-ms timer
    // measures the delay (dialer_event_loop_delay_seconds, loop-monitor.ts) and a second 10-ms timer would
    // wake the process 100 more times a second for the same figure.
    client.collectDefaultMetrics({
      register: registry,
      prefix: 'dialer_process_',
      eventLoopMonitoringPrecision: 1000,
    });
    const reg = [registry];
    this.httpDuration = new client.Histogram({
      name: 'dialer_http_request_duration_seconds',
      help: 'API response time by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: reg,
    });
    this.httpErrors = new client.Counter({
      name: 'dialer_http_errors_total',
      help: 'API error responses by route and error code',
      labelNames: ['route', 'code'],
      registers: reg,
    });
    this.callsInitiated = new client.Counter({
      name: 'dialer_calls_initiated_total',
      help: 'Calls started through Dialpad',
      registers: reg,
    });
    this.callsCompleted = new client.Counter({
      name: 'dialer_calls_completed_total',
      help: 'Calls dispositioned',
      registers: reg,
    });
    this.dispositionsNotWritten = new client.Counter({
      name: 'dialer_dispositions_not_written_total',
      help: 'Dispositions recorded on the call only, with no sheet write: the row is gone or a person re-marked the number',
      labelNames: ['reason'],
      registers: reg,
    });
    this.dispositions = new client.Counter({
      name: 'dialer_dispositions_total',
      help: 'Dispositions by code',
      labelNames: ['code'],
      registers: reg,
    });
    this.dispositionChanges = new client.Counter({
      name: 'dialer_disposition_changes_total',
      help: 'Dispositions changed by the agent within the window (mis-keys), by the code replaced and the new one',
      labelNames: ['from', 'to'],
      registers: reg,
    });
    const self = this;
    new client.Gauge({
      name: 'dialer_success_rate',
      help: 'CORRECT / completed calls on this instance since start (alerts use the counters across instances)',
      registers: reg,
      collect() {
        this.set(self.#completed === 0 ? 0 : self.#correct / self.#completed);
      },
    });
    this.wsConnections = new client.Gauge({
      name: 'dialer_ws_connections',
      help: 'Authenticated WebSocket connections on this instance',
      registers: reg,
    });
    this.wsMessagesSent = new client.Counter({
      name: 'dialer_ws_messages_sent_total',
      help: 'Messages sent to agents over WebSocket',
      registers: reg,
    });
    this.webhooks = new client.Counter({
      name: 'dialer_webhooks_total',
      help: 'Dialpad webhooks by result (accepted, duplicate, rejected)',
      labelNames: ['result'],
      registers: reg,
    });
    new client.Gauge({
      name: 'dialer_sheets_queue_depth',
      help: 'Sheet patches waiting in the write-behind queue',
      registers: reg,
      async collect() {
        const probed = self.#probes.sheetsQueueDepth
          ? await self.#probes.sheetsQueueDepth().catch(() => Number.NaN)
          : Number.NaN;
        this.set(Number.isNaN(probed) ? self.#flusherDepth : probed);
      },
    });
    this.flusher = createFlusherMetrics(registry, (depth) => {
      this.#flusherDepth = depth;
    });
    new client.Gauge({
      name: 'dialer_sheets_quota_used',
      help: 'Sheets requests used in the current one-minute quota window (shared by all instances)',
      labelNames: ['bucket'],
      registers: reg,
      async collect() {
        const used = self.#probes.sheetsQuotaUsed;
        if (!used) return;
        for (const bucket of ['sheets-read', 'sheets-write'] as const)
          this.set({ bucket }, await used(bucket).catch(() => Number.NaN));
      },
    });
    new client.Gauge({
      name: 'dialer_circuit_state',
      help: 'Circuit breaker state: 0 closed, 0.5 half-open, 1 open',
      labelNames: ['circuit'],
      registers: reg,
      collect() {
        const c = self.#probes.circuits?.();
        if (!c) return;
        this.set({ circuit: 'sheets' }, CIRCUIT_VALUE[c.sheets]);
        this.set({ circuit: 'dialpad' }, CIRCUIT_VALUE[c.dialpad]);
      },
    });
    new client.Gauge({
      name: 'dialer_desktop_installs',
      help: 'Agents whose desktop app last reported this version, update channel and install type',
      labelNames: ['version', 'channel', 'install_type'],
      registers: reg,
      async collect() {
        const all = await self.#probes.desktopInstalls?.().catch(() => null);
        if (!all) return;
        this.reset(); // a version nobody runs any more disappears
        for (const r of all)
          this.inc({ version: r.appVersion, channel: r.channel, install_type: r.installType });
      },
    });
    new client.Gauge({
      name: 'dialer_redis_memory_used_bytes',
      help: 'Redis used_memory',
      registers: reg,
      async collect() {
        const m = await self.#probes.redisMemory?.().catch(() => null);
        if (m) this.set(m.used);
      },
    });
    new client.Gauge({
      name: 'dialer_redis_memory_max_bytes',
      help: 'Redis maxmemory (0 = unlimited)',
      registers: reg,
      async collect() {
        const m = await self.#probes.redisMemory?.().catch(() => null);
        if (m) this.set(m.max);
      },
    });
  }

  setProbes(probes: MetricProbes): void {
    this.#probes = { ...this.#probes, ...probes };
  }

  /** A call Dialpad accepted (DialerServiceDeps.onCallStarted). */
  observeCallStarted(): void {
    this.callsInitiated.inc();
  }

  /** A disposition recorded on the call only (DialerServiceDeps.onDispositionNotWritten). */
  observeDispositionNotWritten(reason: string): void {
    this.dispositionsNotWritten.inc({ reason });
  }

  observeDisposition(code: string): void {
    this.callsCompleted.inc();
    this.dispositions.inc({ code });
    this.#completed += 1;
    if (code === 'CORRECT') this.#correct += 1;
  }

  /** A disposition changed (dialer_dispositions_total only grows: the change is counted here). */
  observeDispositionChange(from: string, to: string): void {
    this.dispositionChanges.inc({ from, to });
    if (from === 'CORRECT') this.#correct -= 1;
    if (to === 'CORRECT') this.#correct += 1;
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return {
      contentType: this.registry.contentType,
      body: await during('metrics-scrape', this.registry.metrics()),
    };
  }
}
