// The Sheets write-behind flusher's metrics (prom-client): what it wrote (cells by kind, patches), why a
// turn failed (429 quota, 5xx, open circuit, rejected, our own shared budget) and what it gave up on
// (dead letters). The hooks are the flusher's FlusherMetrics; the queue depth it sees after each turn feeds
// dialer_sheets_queue_depth when the scrape-time probe cannot answer (metrics.ts).
import client, { type Registry } from 'prom-client';
import type { FlusherMetrics } from '../sheets/sheets-flusher.js';

/** Dead-letter reasons as a bounded label (the flusher's reasons may carry Google's message). */
export function deadLetterReasonLabel(reason: string): string {
  if (reason.startsWith('rejected by Google')) return 'rejected';
  if (reason.startsWith('tab no longer exists')) return 'tab_gone';
  if (reason.startsWith('RowID no longer')) return 'row_gone';
  if (reason.startsWith('RowID appears on several')) return 'row_ambiguous';
  if (reason.startsWith('patch spans rows')) return 'malformed';
  return 'other';
}

export function createFlusherMetrics(
  registry: Registry,
  onQueueDepth: (depth: number) => void,
): FlusherMetrics {
  const registers = [registry];
  const cells = new client.Counter({
    name: 'dialer_sheets_flushed_cells_total',
    help: 'Sheet cells written by the flusher and acknowledged by Google, by kind (values, backgrounds)',
    labelNames: ['kind'],
    registers,
  });
  const patches = new client.Counter({
    name: 'dialer_sheets_flushed_patches_total',
    help: 'Queued sheet patches written and removed from the write-behind queue',
    registers,
  });
  const failures = new client.Counter({
    name: 'dialer_sheets_flush_failures_total',
    help: 'Flush attempts that failed, by kind (rate-limited, unavailable, circuit-open, rejected, quota)',
    labelNames: ['kind'],
    registers,
  });
  const dead = new client.Counter({
    name: 'dialer_sheets_dead_lettered_total',
    help: 'Sheet patches moved to the dead-letter stream (never written), by reason',
    labelNames: ['reason'],
    registers,
  });
  let oldestAt: number | null = null;
  new client.Gauge({
    name: 'dialer_sheets_queue_oldest_age_seconds',
    help: 'Age of the oldest sheet patch still waiting in the write-behind queue (0 when empty): how far the sheet trails the truth',
    registers,
    collect() {
      this.set(oldestAt === null ? 0 : Math.max(0, (Date.now() - oldestAt) / 1000));
    },
  });
  // Zero series up front, so a rate() over them exists before the first event.
  for (const kind of ['values', 'backgrounds']) cells.inc({ kind }, 0);
  for (const kind of ['rate-limited', 'unavailable', 'circuit-open', 'rejected', 'quota'])
    failures.inc({ kind }, 0);
  return {
    queueDepth: onQueueDepth,
    oldestPending: (at) => {
      oldestAt = at;
    },
    flushedCells: (count, kind) => cells.inc({ kind }, count),
    flushedPatches: (count) => patches.inc(count),
    flushFailure: (kind) => failures.inc({ kind }),
    deadLettered: (count, reason) => dead.inc({ reason: deadLetterReasonLabel(reason) }, count),
  };
}
