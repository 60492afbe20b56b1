// Snapshot store on a real temp directory: atomic replacement, corruption set aside (never a crash loop),
// and the outbox replayed exactly once per idempotency key across a simulated crash.
import { mkdtempSync, promises as fs, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppSnapshot, OutboxEntry } from '../../../src-shared/contracts/ipc.js';
import { previousPath, writeFileAtomic } from './atomic-file.js';
import { DebouncedSnapshotWriter } from './debounced-writer.js';
import { enqueue, OutboxReplayer, type SendOutcome } from './outbox.js';
import { type CorruptionReport, SnapshotStore } from './snapshot-store.js';
import { SnapshotState } from './snapshot-state.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'turbo-snapshot-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const snapshot = (over: Partial<AppSnapshot> = {}): AppSnapshot => ({
  schemaVersion: 1,
  savedAt: 1_700_000_000_000,
  coordinatorUrl: 'https://coordinator.example',
  agentEmail: 'agent@example.com',
  session: null,
  pendingDisposition: { callId: 'call-1', code: 'NO_ANSWER', notes: 'left early' },
  outbox: [],
  lastWsSeq: 41,
  ...over,
});
const entry = (key: string): OutboxEntry => ({
  idempotencyKey: key,
  route: 'disposition',
  body: { callId: 'call-1', code: 'NO_ANSWER' },
  createdAt: 1_700_000_000_000,
  attempts: 0,
});
const newStore = (reports: CorruptionReport[] = []) =>
  new SnapshotStore({ dir, now: () => 1_700_000_000_123, onCorrupt: (r) => reports.push(r) });

describe('SnapshotStore', () => {
  it('round-trips a snapshot and keeps the previous good file beside it', async () => {
    const store = newStore();
    await store.save(snapshot({ lastWsSeq: 1 }));
    await store.save(snapshot({ lastWsSeq: 2 }));
    expect((await store.load()).snapshot?.lastWsSeq).toBe(2);
    expect(JSON.parse(await fs.readFile(previousPath(store.file), 'utf8')).lastWsSeq).toBe(1);
    // No temp files left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to write something that is not a snapshot', async () => {
    const store = newStore();
    expect(() => store.save({ ...snapshot(), schemaVersion: 2 } as unknown as AppSnapshot)).toThrow();
    expect((await store.load()).source).toBe('none');
  });

  it('survives a crash between the two renames by reading the previous file', async () => {
    const store = newStore();
    await store.save(snapshot({ lastWsSeq: 7 }));
    await store.save(snapshot({ lastWsSeq: 8 }));
    await fs.rm(store.file); // the state just after "current → prev", before "tmp → current"
    const loaded = await store.load();
    expect(loaded).toMatchObject({ source: 'previous', corrupt: [] });
    expect(loaded.snapshot?.lastWsSeq).toBe(7);
  });

  it('moves a truncated file aside, reports it, falls back to the previous one, and does not loop', async () => {
    const reports: CorruptionReport[] = [];
    const store = newStore(reports);
    await store.save(snapshot({ lastWsSeq: 1 }));
    await store.save(snapshot({ lastWsSeq: 2 }));
    writeFileSync(store.file, '{"schemaVersion":1,"savedAt":17');
    const first = await store.load();
    expect(first.snapshot?.lastWsSeq).toBe(1);
    expect(first.corrupt).toHaveLength(1);
    expect(first.corrupt[0]!.reason).toMatch(/not JSON/);
    expect(reports).toHaveLength(1);
    expect(readdirSync(dir).some((f) => /^snapshot\.corrupt-1700000000123-\w+\.json$/.test(f))).toBe(true);
    // The second start finds nothing corrupt any more.
    const second = await newStore(reports).load();
    expect(second.corrupt).toEqual([]);
    expect(reports).toHaveLength(1);
  });

  it('treats valid JSON of the wrong shape as corrupt too, naming the field', async () => {
    const store = newStore();
    writeFileSync(store.file, JSON.stringify({ ...snapshot(), outbox: 'nope' }));
    const loaded = await store.load();
    expect(loaded).toMatchObject({ snapshot: null, source: 'none' });
    expect(loaded.corrupt[0]!.reason).toContain('outbox');
  });

  it('writes with owner-only permissions on POSIX', async () => {
    if (process.platform === 'win32') return;
    const file = join(dir, 'x.json');
    await writeFileAtomic(file, '{}');
    expect((await fs.stat(file)).mode & 0o077).toBe(0);
  });
});

describe('DebouncedSnapshotWriter', () => {
  it('writes only the latest of a burst, and flush writes what is pending', async () => {
    vi.useFakeTimers();
    try {
      const saved: number[] = [];
      const writer = new DebouncedSnapshotWriter(async (s) => void saved.push(s.lastWsSeq ?? -1), {
        delayMs: 250,
        onError: () => {},
      });
      writer.schedule(snapshot({ lastWsSeq: 1 }));
      writer.schedule(snapshot({ lastWsSeq: 2 }));
      await vi.advanceTimersByTimeAsync(300);
      expect(saved).toEqual([2]);
      writer.schedule(snapshot({ lastWsSeq: 3 }));
      await writer.flush();
      expect(saved).toEqual([2, 3]);
      await vi.advanceTimersByTimeAsync(300);
      expect(saved).toEqual([2, 3]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('outbox replay', () => {
  const openState = async () => {
    const state = new SnapshotState(newStore(), { debounceMs: 10_000, onError: () => {} });
    await state.load();
    return state;
  };

  it('writes an outbox change to disk at once (no debounce) and ignores a duplicate key', async () => {
    const state = await openState();
    await state.update(snapshot());
    await state.update(enqueue(enqueue(state.read()!, entry('key-aaaaaaaa')), entry('key-aaaaaaaa')));
    const onDisk = await newStore().load();
    expect(onDisk.snapshot?.outbox.map((e) => e.idempotencyKey)).toEqual(['key-aaaaaaaa']);
  });

  it('re-sends with the SAME key after a crash between send and ack, exactly once per key', async () => {
    // Run 1: the request is sent, then the process dies before the acknowledgement arrives.
    const first = await openState();
    await first.update(enqueue(enqueue(snapshot(), entry('key-dispo-0001')), entry('key-state-0002')));
    const sentBeforeCrash: string[] = [];
    const crashing = new OutboxReplayer(first, async (e) => {
      sentBeforeCrash.push(e.idempotencyKey);
      throw new Error('process killed');
    });
    await crashing.replay();
    expect(sentBeforeCrash).toEqual(['key-dispo-0001', 'key-state-0002']);

    // Run 2: a fresh process reads the file; both entries are still there with their keys.
    const second = await openState();
    expect(second.read()?.outbox.map((e) => [e.idempotencyKey, e.attempts])).toEqual([
      ['key-dispo-0001', 1],
      ['key-state-0002', 1],
    ]);
    const sent: string[] = [];
    const replayer = new OutboxReplayer(second, async (e): Promise<SendOutcome> => {
      sent.push(e.idempotencyKey);
      return 'acked';
    });
    const [a, b] = await Promise.all([replayer.replay(), replayer.replay()]);
    expect(a).toBe(b);
    expect(sent).toEqual(['key-dispo-0001', 'key-state-0002']);
    expect(second.read()?.outbox).toEqual([]);

    // Run 3: nothing left to send, on disk as in memory.
    const third = await openState();
    const again: string[] = [];
    await new OutboxReplayer(third, async (e) => {
      again.push(e.idempotencyKey);
      return 'acked';
    }).replay();
    expect(again).toEqual([]);
  });

  it('keeps a 5xx/network failure for the next replay and drops a request the server rejects', async () => {
    const state = await openState();
    await state.update(enqueue(enqueue(snapshot(), entry('key-retry-001')), entry('key-reject-01')));
    const result = await new OutboxReplayer(state, async (e) =>
      e.idempotencyKey === 'key-retry-001' ? 'retry' : 'rejected',
    ).replay();
    expect(result).toMatchObject({ kept: ['key-retry-001'], rejected: ['key-reject-01'] });
    expect((await newStore().load()).snapshot?.outbox.map((e) => e.idempotencyKey)).toEqual([
      'key-retry-001',
    ]);
  });
});
