// The Dialpad emulator's admin API under /__emulator/ (no auth, not logged as API traffic): list and end
// calls, script outcomes and timings, API and webhook faults, the rate limit, request and delivery logs.
// Documented in docs/emulators.md.
import { z } from 'zod';
import { FaultRuleSchema } from '../common/faults.js';
import { type RequestContext, Router, parseJsonBody, sendJson } from '../common/http.js';
import { OutcomePlanSchema, OutcomeSpecSchema } from './outcomes.js';
import type { DialpadEmulatorState } from './state.js';
import { WebhookFaultSchema } from './webhook-faults.js';

const EndSchema = z.object({ state: z.enum(['hangup', 'voicemail', 'missed']).default('hangup') });
const OutcomesSchema = z.object({
  queue: z.array(z.union([OutcomeSpecSchema.shape.outcome, OutcomeSpecSchema])).optional(),
  plan: OutcomePlanSchema.optional(),
});
const TimingsSchema = z
  .object({
    dialMs: z.number().int().min(0),
    ringMs: z.number().int().min(0),
    talkMs: z.number().int().min(0),
    noAnswerMs: z.number().int().min(0),
    jitter: z.number().min(0).max(1),
  })
  .partial();

export function createDialpadAdminRouter(state: DialpadEmulatorState): Router {
  const body = (c: RequestContext) => parseJsonBody(c.body) ?? {};
  const faults = () => ({ api: state.apiFaults.list(), webhooks: state.hub.faults.list() });
  return new Router()
    .add('GET', /^\/__emulator\/health$/, 'admin', (c) => sendJson(c.res, 200, { ok: true }))
    .add('GET', /^\/__emulator\/calls$/, 'admin', (c) => sendJson(c.res, 200, { calls: state.listCalls() }))
    .add('GET', /^\/__emulator\/calls\/(?<id>\d+)$/, 'admin', (c) => {
      const call = state.getCall(c.params.id ?? '');
      if (!call) return sendJson(c.res, 404, { error: 'no such call' });
      sendJson(c.res, 200, call);
    })
    .add('POST', /^\/__emulator\/calls\/(?<id>\d+)\/end$/, 'admin', (c) => {
      const { state: end } = EndSchema.parse(body(c));
      if (!state.getCall(c.params.id ?? '')) return sendJson(c.res, 404, { error: 'no such call' });
      if (!state.endCall(c.params.id ?? '', end))
        return sendJson(c.res, 409, { error: 'call already ended' });
      sendJson(c.res, 200, state.getCall(c.params.id ?? ''));
    })
    .add('GET', /^\/__emulator\/outcomes$/, 'admin', (c) =>
      sendJson(c.res, 200, { queue: state.outcomes.queue, plan: state.outcomes.plan }),
    )
    .add('POST', /^\/__emulator\/outcomes$/, 'admin', (c) => {
      const b = OutcomesSchema.parse(body(c));
      if (b.plan) state.setOutcomePlan(b.plan);
      if (b.queue) state.enqueueOutcomes(...b.queue);
      sendJson(c.res, 200, { queue: state.outcomes.queue, plan: state.outcomes.plan });
    })
    .add('DELETE', /^\/__emulator\/outcomes$/, 'admin', (c) => {
      state.outcomes.clearQueue();
      sendJson(c.res, 200, { queue: [] });
    })
    .add('PUT', /^\/__emulator\/timings$/, 'admin', (c) => {
      state.setTimings(TimingsSchema.parse(body(c)));
      sendJson(c.res, 200, state.player.timings);
    })
    .add('GET', /^\/__emulator\/faults$/, 'admin', (c) => sendJson(c.res, 200, faults()))
    .add('PUT', /^\/__emulator\/faults$/, 'admin', (c) => {
      const b = z
        .object({
          api: z.array(FaultRuleSchema).optional(),
          webhooks: z.array(WebhookFaultSchema).optional(),
        })
        .parse(body(c));
      if (b.api) state.setApiFaults(b.api);
      if (b.webhooks) state.setWebhookFaults(b.webhooks);
      sendJson(c.res, 200, faults());
    })
    .add('POST', /^\/__emulator\/faults$/, 'admin', (c) => {
      const b = z
        .object({ api: FaultRuleSchema.optional(), webhook: WebhookFaultSchema.optional() })
        .parse(body(c));
      if (b.api) state.apiFaults.add(b.api);
      if (b.webhook) state.hub.faults.add(b.webhook);
      sendJson(c.res, 200, faults());
    })
    .add('DELETE', /^\/__emulator\/faults$/, 'admin', (c) => {
      state.clearFaults();
      sendJson(c.res, 200, faults());
    })
    .add('PUT', /^\/__emulator\/rate-limit$/, 'admin', (c) => {
      const b = z.object({ perMinute: z.number().int().min(1).nullable() }).parse(body(c));
      state.setRateLimit(b.perMinute);
      sendJson(c.res, 200, { perMinute: state.rateLimitPerMin });
    })
    .add('GET', /^\/__emulator\/requests$/, 'admin', (c) =>
      sendJson(c.res, 200, { counts: state.requestLog.counts(), entries: state.requestLog.entries }),
    )
    .add('DELETE', /^\/__emulator\/requests$/, 'admin', (c) => {
      state.requestLog.clear();
      sendJson(c.res, 200, {});
    })
    .add('GET', /^\/__emulator\/deliveries$/, 'admin', (c) =>
      sendJson(c.res, 200, { deliveries: state.deliveries }),
    )
    .add('DELETE', /^\/__emulator\/deliveries$/, 'admin', (c) => {
      state.hub.deliveries = [];
      sendJson(c.res, 200, {});
    });
}
