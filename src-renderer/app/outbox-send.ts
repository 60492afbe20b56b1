// Sends one outbox entry with its idempotency key and returns the answer typed by its route: an entry names
// its route and carries that route's body (src-shared/contracts/ipc.ts), the answer is parsed with that
// route's response schema (ApiClient.call), and the switch keeps the two together without a cast.
import type { ResponseBody } from '../../src-shared/contracts/http';
import type { OutboxEntry, OutboxEntryOf, OutboxRoute } from '../../src-shared/contracts/ipc';
import type { ApiClient } from '../api/client';

/** What an acknowledged entry answered: its route, the entry, and that route's response. */
export type OutboxAnswer = {
  [N in OutboxRoute]: { route: N; entry: OutboxEntryOf<N>; value: ResponseBody<N> };
}[OutboxRoute];

/** An intent before it gets its key: a route and that route's body. */
export type OutboxIntent = { [N in OutboxRoute]: { route: N; body: OutboxEntryOf<N>['body'] } }[OutboxRoute];

export async function sendOutboxEntry(api: ApiClient, e: OutboxEntry): Promise<OutboxAnswer> {
  const key = { idempotencyKey: e.idempotencyKey };
  switch (e.route) {
    case 'sessionStart':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
    case 'sessionState':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
    case 'next':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
    case 'dial':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
    case 'skip':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
    case 'disposition':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
    case 'amendDisposition':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
    case 'hangup':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
    case 'callbackDial':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
    case 'callbackCancel':
      return { route: e.route, entry: e, value: await api.call(e.route, e.body, key) };
  }
}
