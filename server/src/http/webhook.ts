// POST /events/dialpad: the raw body (a compact JWT signed with the webhook secret, or JSON from n8n) goes
// to the verifier first (bad signature → 401, nothing changed), then to the DialerService, which claims the
// event id with the deduper only once the event is applied (a crash before the claim lets the sender's
// retry in; applying a step twice is a no-op) and answers 200 `duplicate: true` to a redelivery of an event
// already handled. If the service fails after claiming, the claim is released so the retry is applied.
import express, { type Express, type Request, type Response } from 'express';
import type { DialpadCallEvent } from '../../../src-shared/contracts/dialpad.js';
import { eventIdOf } from '../dialpad/call-state.js';
import type { WebhookDeduper } from '../dialpad/webhook-deduper.js';
import type { CoordinatorMetrics } from '../metrics/metrics.js';
import type { DialerService, DialpadWebhookVerifier } from '../ports.js';
import { ctxOf, type RequestContext } from './context.js';

export interface WebhookDeps {
  verifier: DialpadWebhookVerifier;
  deduper: WebhookDeduper;
  service: DialerService;
  metrics: CoordinatorMetrics;
  clock: () => number;
}

export const DIALPAD_WEBHOOK_PATH = '/events/dialpad';

/** The webhook's answer: `{ok: true}`, with `duplicate: true` for a redelivery already handled. */
export type WebhookAnswer = { ok: true; duplicate?: true };

/** Handles one webhook body (verify, apply, dedupe); throws for the error handler. Shared by the Express
 *  route and the fast lane. */
export type WebhookHandler = (
  raw: Buffer,
  contentType: string | undefined,
  ctx: RequestContext,
) => Promise<WebhookAnswer>;

export function webhookHandler(d: WebhookDeps): WebhookHandler {
  return async (raw, contentType, ctx) => {
    ctx.route = DIALPAD_WEBHOOK_PATH;
    const now = d.clock();
    let event: DialpadCallEvent;
    try {
      event = await d.verifier.verify(raw, contentType, now);
    } catch (e) {
      d.metrics.webhooks.inc({ result: 'rejected' });
      throw e;
    }
    const eventId = eventIdOf(event);
    let claimed = false;
    let duplicate = false;
    // `seen` given: the service recorded the event id itself (with the announcement of its step) and
    // says whether an earlier delivery had; no dedupe write here.
    const claim = async (seen?: boolean) => {
      if (seen !== undefined) {
        duplicate = seen;
        return !seen;
      }
      claimed = await d.deduper.firstSeen(eventId, now);
      duplicate = !claimed;
      return claimed;
    };
    try {
      await d.service.onDialpadEvent(event, now, claim);
    } catch (e) {
      if (claimed) await d.deduper.release(eventId).catch(() => {});
      throw e;
    }
    d.metrics.webhooks.inc({ result: duplicate ? 'duplicate' : 'accepted' });
    // Debug, not info: one line per webhook is the hot path's largest logging cost; guarded, so that the
    // request's logger is not even built when debug is off.
    if (ctx.logs('debug'))
      ctx.log.debug({ callId: event.call_id, state: event.state, duplicate }, 'webhook handled');
    return duplicate ? { ok: true, duplicate: true } : { ok: true };
  };
}

/** The largest webhook body read (a Dialpad event JWT is ~1 KB). */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export function registerWebhookRoute(app: Express, handle: WebhookHandler): void {
  app.post(
    DIALPAD_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.json(await handle(raw, req.get('content-type'), ctxOf(res)));
    },
  );
}
