// The Dialpad API v2 routes the coordinator uses (validated against the spec in api-facts.md A):
// initiate_call, webhooks, call-event subscriptions (endpoint_id or webhook_id), hangup and call lookup.
import { z } from 'zod';
import { DialpadInitiateCallSchema } from '../../../src-shared/contracts/dialpad.js';
import { maskPhone } from '../../../src-shared/domain/phone.js';
import type { Logger } from '../common/log.js';
import { type RequestContext, Router, parseJsonBody, sendJson } from '../common/http.js';
import { DialpadApiError } from './errors.js';
import type { DialpadEmulatorState } from './state.js';
import { subscriptionView, webhookView } from './webhooks.js';

const E164 = /^\+[1-9]\d{6,14}$/;

const CreateWebhookSchema = z.object({ hook_url: z.url(), secret: z.string().min(1).optional() });

const idLike = z.union([z.string().min(1), z.number().int()]).transform(String);
const CreateSubscriptionSchema = z.object({
  call_states: z.array(z.string()).optional(),
  enabled: z.boolean().optional(),
  // The spec's schema says endpoint_id, its description and the older SDK say webhook_id: accept both.
  endpoint_id: idLike.optional(),
  webhook_id: idLike.optional(),
  group_calls_only: z.boolean().optional(),
  target_id: idLike.optional(),
  target_type: z.string().optional(),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new DialpadApiError(
      400,
      `Invalid request: ${i?.path.join('.') || 'body'}: ${i?.message ?? 'invalid'}`,
    );
  }
  return r.data;
}

function isoNoZone(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function createDialpadApiRouter(state: DialpadEmulatorState, log: Logger): Router {
  const json = (ctx: RequestContext) => {
    try {
      return parseJsonBody(ctx.body);
    } catch {
      throw new DialpadApiError(400, 'Invalid JSON body');
    }
  };
  return new Router()
    .add('POST', /^\/api\/v2\/users\/(?<id>[^/]+)\/initiate_call$/, 'initiate_call', (ctx) => {
      const user = state.users.get(ctx.params.id ?? '');
      if (!user) throw new DialpadApiError(404, `User ${ctx.params.id} not found`);
      const body = parse(DialpadInitiateCallSchema, json(ctx));
      const phone = body.phone_number;
      if (!phone || !E164.test(phone)) {
        throw new DialpadApiError(400, 'Invalid request: phone_number must be an E.164 number');
      }
      const wait = state.takeRateSlot(user.id, Date.now());
      if (wait > 0) {
        throw new DialpadApiError(
          429,
          `Rate limit exceeded: initiate_call allows ${state.rateLimitPerMin} requests per minute per user`,
          { 'retry-after': String(wait) },
        );
      }
      const callerId = body.outbound_caller_id;
      if (callerId !== undefined && callerId !== 'blocked' && !state.companyNumbers.has(callerId)) {
        // Dialpad only lets a call show a number the company owns.
        throw new DialpadApiError(400, 'Invalid outbound_caller_id: not a number of this company');
      }
      if (user.autocallable === false) {
        throw new DialpadApiError(400, 'User does not have an active device that supports initiate_call');
      }
      if (state.rejectWhenBusy && state.player.activeCallOf(user.id)) {
        throw new DialpadApiError(400, 'User is currently on a call');
      }
      const spec = state.outcomes.pick(phone);
      const call = state.player.start(
        user,
        phone,
        body.custom_data ?? null,
        spec,
        callerId && callerId !== 'blocked' ? callerId : undefined,
      );
      log.info(
        { callId: call.call_id, user: user.id, to: maskPhone(phone), outcome: spec.outcome },
        'call initiated',
      );
      const created = isoNoZone(Date.now() - 86_400_000);
      sendJson(ctx.res, 200, {
        device: {
          id: `${user.phone}-user-${user.id}-client-native`,
          type: 'native',
          user_id: user.id,
          display_name: 'Dialpad Desktop',
          app_version: '2411.2.0',
          date_created: created,
          date_registered: created,
          date_updated: created,
          phone_number: user.phone ?? null,
        },
      });
    })
    .add('POST', /^\/api\/v2\/webhooks$/, 'webhooks.create', (ctx) => {
      const b = parse(CreateWebhookSchema, json(ctx));
      sendJson(ctx.res, 200, webhookView(state.hub.createWebhook(b.hook_url, b.secret)));
    })
    .add('GET', /^\/api\/v2\/webhooks$/, 'webhooks.list', (ctx) => {
      sendJson(ctx.res, 200, { items: [...state.hub.hooks.values()].map(webhookView) });
    })
    .add('DELETE', /^\/api\/v2\/webhooks\/(?<id>[^/]+)$/, 'webhooks.delete', (ctx) => {
      const hook = state.hub.hooks.get(ctx.params.id ?? '');
      if (!hook) throw new DialpadApiError(404, 'Webhook not found');
      state.hub.hooks.delete(hook.id);
      sendJson(ctx.res, 200, webhookView(hook));
    })
    .add('POST', /^\/api\/v2\/subscriptions\/call$/, 'subscriptions.create', (ctx) => {
      const b = parse(CreateSubscriptionSchema, json(ctx));
      const webhookId = b.endpoint_id ?? b.webhook_id;
      if (!webhookId) throw new DialpadApiError(400, 'A webhook_id is required');
      const hook = state.hub.hooks.get(webhookId);
      if (!hook) throw new DialpadApiError(404, `Webhook ${webhookId} not found`);
      if (b.target_id !== undefined && !b.target_type) {
        throw new DialpadApiError(400, 'target_type is required with target_id');
      }
      const sub = state.hub.subscribe({
        webhookId,
        call_states: b.call_states ?? [],
        enabled: b.enabled ?? true,
        group_calls_only: b.group_calls_only ?? false,
        target_id: b.target_id,
        target_type: b.target_type,
      });
      sendJson(ctx.res, 200, subscriptionView(sub, hook));
    })
    .add('GET', /^\/api\/v2\/subscriptions\/call$/, 'subscriptions.list', (ctx) => {
      sendJson(ctx.res, 200, {
        items: [...state.hub.subscriptions.values()].map((s) =>
          subscriptionView(s, state.hub.hooks.get(s.webhookId)),
        ),
      });
    })
    .add('PUT', /^\/api\/v2\/call\/(?<id>\d+)\/actions\/hangup$/, 'call.hangup', (ctx) => {
      const call = state.getCall(ctx.params.id ?? '');
      if (!call) throw new DialpadApiError(404, 'Call not found');
      if (!state.endCall(call.call_id, 'hangup')) throw new DialpadApiError(400, 'Call is not active');
      sendJson(ctx.res, 200, {});
    })
    .add('GET', /^\/api\/v2\/call\/(?<id>\d+)$/, 'call.get', (ctx) => {
      const call = state.getCall(ctx.params.id ?? '');
      if (!call) throw new DialpadApiError(404, 'Call not found');
      // The REST API encodes int64 fields as strings (proto JSON), unlike webhook events.
      const event = state.player.toEvent(call, Date.now());
      const out: Record<string, unknown> = { ...event };
      for (const k of [
        'call_id',
        'date_started',
        'date_rang',
        'date_connected',
        'date_ended',
        'event_timestamp',
      ]) {
        if (typeof out[k] === 'number') out[k] = String(out[k]);
      }
      sendJson(ctx.res, 200, out);
    });
}
