// An outbox entry names its route and carries that route's body: a snapshot whose entry does not match its
// route's contract is refused, and entries written before routes were named ({method, path}) still load.
import { describe, expect, it } from 'vitest';
import { OutboxEntrySchema } from './ipc.js';

const base = { idempotencyKey: 'key-00000001', createdAt: 1, attempts: 0 };

describe('OutboxEntrySchema', () => {
  it('types the body by the route', () => {
    const e = OutboxEntrySchema.parse({
      ...base,
      route: 'disposition',
      body: { callId: 'c-1', code: 'WRONG' },
    });
    expect(e.route === 'disposition' && e.body.code).toBe('WRONG');
    expect(OutboxEntrySchema.safeParse({ ...base, route: 'disposition', body: {} }).success).toBe(false);
    expect(
      OutboxEntrySchema.safeParse({ ...base, route: 'hangup', body: { callId: 'c-1', x: 1 } }).success,
    ).toBe(false);
    expect(OutboxEntrySchema.safeParse({ ...base, route: 'login', body: {} }).success).toBe(false);
  });

  it('reads an entry written with {method, path} as its route', () => {
    const e = OutboxEntrySchema.parse({
      ...base,
      method: 'POST',
      path: '/session/state',
      body: { state: 'PAUSE' },
    });
    expect(e).toEqual({ ...base, route: 'sessionState', body: { state: 'PAUSE' } });
    expect(OutboxEntrySchema.safeParse({ ...base, method: 'POST', path: '/nowhere', body: {} }).success).toBe(
      false,
    );
  });
});
